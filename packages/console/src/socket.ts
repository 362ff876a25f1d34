import {
  AckOf,
  AGENT_NAMESPACE,
  type AgentClientToServerEvents,
  AgentCommands,
  AgentNotifications,
  type AgentServerToClientEvents,
  type CommandInput,
  type CommandOutput,
  ErrorBody,
  PROTOCOL_VERSION,
} from '@hovor/protocol';
import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod/mini';
import { ConsoleError } from './console-error';

export type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;
export type CommandName = keyof AgentCommands;
export type NotificationName = keyof AgentNotifications;
export type Notification<K extends NotificationName> = z.output<AgentNotifications[K]>;

/** How long a command waits for its ack before it fails as `UNAVAILABLE`, in ms. */
export const COMMAND_TIMEOUT_MS = 10_000;

/** Who hears of a socket's error acks besides the caller: the session, to notice `UNAUTHORIZED`. */
const refusalListeners = new WeakMap<AgentSocket, Set<(refusal: ConsoleError) => void>>();

/**
 * Calls `listener` with every error ack a command on `socket` receives, wherever it was sent from;
 * returns the disposer.
 *
 * @example
 * const off = onCommandRefused(socket, (refusal) => refusal.code === 'UNAUTHORIZED' && recheck());
 */
export function onCommandRefused(socket: AgentSocket, listener: (refusal: ConsoleError) => void): () => void {
  let listeners = refusalListeners.get(socket);
  if (!listeners) {
    listeners = new Set();
    refusalListeners.set(socket, listeners);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Opens the `/agent` namespace on this origin; the session cookie authenticates it. */
export function connectAgentSocket(): AgentSocket {
  return io(AGENT_NAMESPACE, { auth: { v: PROTOCOL_VERSION }, transports: ['websocket'] });
}

/**
 * Sends a command and resolves with its ack's data; rejects with a `ConsoleError` when the
 * server answers an error, answers nothing in time, or answers something off-protocol.
 *
 * @example
 * const profile = await command(socket, 'status:set', { status: 'away' });
 */
export async function command<K extends CommandName>(
  socket: AgentSocket,
  name: K,
  input: CommandInput<AgentCommands, K>,
): Promise<CommandOutput<AgentCommands, K>> {
  // Socket.IO's typings cannot follow a generic event name; the ack is parsed below instead.
  const timed = socket.timeout(COMMAND_TIMEOUT_MS);
  const emit = timed.emitWithAck as (event: CommandName, input: unknown) => Promise<unknown>;
  let answer: unknown;
  try {
    answer = await emit.call(timed, name, input);
  } catch (cause) {
    throw new ConsoleError(
      'UNAVAILABLE',
      `The server did not answer "${name}" in time; retry when connected.`,
      {
        cause,
      },
    );
  }
  const ack = AckOf(AgentCommands[name].output).safeParse(answer);
  if (!ack.success) {
    throw new ConsoleError(
      'INTERNAL',
      `Unexpected answer to "${name}"; the server may be a different version.`,
      {
        cause: ack.error,
      },
    );
  }
  if (!ack.data.ok) {
    const refusal = ConsoleError.fromBody(ack.data.error);
    for (const listener of refusalListeners.get(socket) ?? []) listener(refusal);
    throw refusal;
  }
  return ack.data.data as CommandOutput<AgentCommands, K>;
}

/**
 * Subscribes to a notification, parsing each payload; returns the disposer.
 * A payload off the protocol goes to `onInvalid` instead of `handler`.
 */
export function on<K extends NotificationName>(
  socket: AgentSocket,
  name: K,
  handler: (payload: Notification<K>) => void,
  onInvalid: (error: ConsoleError) => void,
): () => void {
  const listener = (payload: unknown) => {
    const parsed = AgentNotifications[name].safeParse(payload);
    if (parsed.success) handler(parsed.data as Notification<K>);
    else
      onInvalid(
        new ConsoleError('INTERNAL', `Ignored a malformed "${name}" notification.`, { cause: parsed.error }),
      );
  };
  // Same reason as in `command`: the payload is typed by the parse above.
  const untyped = socket as unknown as Socket;
  untyped.on(name as string, listener);
  return () => {
    untyped.off(name as string, listener);
  };
}

/** The `{code, message}` a rejected handshake carries in `connect_error`'s `data`, if any. */
export function handshakeError(error: Error): ConsoleError | null {
  const parsed = ErrorBody.safeParse((error as Error & { data?: unknown }).data);
  return parsed.success ? ConsoleError.fromBody(parsed.data) : null;
}

/** A fresh idempotency key; `randomUUID` exists only on secure origins, hence the fallback. */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
