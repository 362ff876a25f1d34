import { RETRYABLE_CODES, retryDelayMs } from '@hovor/protocol';
import { batch, signal } from '@preact/signals';
import type { ConsoleError } from './console-error';
import { type AgentSocket, handshakeError } from './socket';

/** How long "Back online" stays up after a reconnect, in ms: long enough to be noticed, then out of the way. */
export const BACK_ONLINE_SHOW_MS = 4_000;

export type Connection = 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionDeps {
  /** Runs on every (re)connect. */
  onConnected: () => void;
  /** Runs on every disconnect, with Socket.IO's reason. */
  onDisconnected: (reason: string) => void;
  /** The server refused the handshake with `{code, message}` [P1]; retryable codes are retried here. */
  onRefused: (refusal: ConsoleError) => void;
  /** `Math.random` in the browser; jitters the handshake retries. */
  random: () => number;
}

export type ConnectionState = ReturnType<typeof createConnectionState>;

/**
 * The socket's connection as the agent sees it, and the handshake retries Socket.IO does not do:
 * after a middleware refusal (`UNAVAILABLE` while the server's database is down [P14]) the client
 * sets `socket.active = false` and gives up, so a retryable refusal is retried here with backoff.
 */
export function createConnectionState({ onConnected, onDisconnected, onRefused, random }: ConnectionDeps) {
  const connection = signal<Connection>('connecting');
  /** True for `BACK_ONLINE_SHOW_MS` after a reconnect. */
  const isBackOnline = signal(false);

  let refusals = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let backOnlineTimer: ReturnType<typeof setTimeout> | undefined;

  function stopTimers(): void {
    clearTimeout(retryTimer);
    clearTimeout(backOnlineTimer);
    retryTimer = undefined;
  }

  /** Follows a new socket's connection; returns the disposers. */
  function watch(socket: AgentSocket): (() => void)[] {
    stopTimers();
    refusals = 0;
    batch(() => {
      connection.value = 'connecting';
      isBackOnline.value = false;
    });
    const onConnect = () => {
      refusals = 0;
      clearTimeout(retryTimer);
      const wasLost = connection.value === 'reconnecting';
      batch(() => {
        connection.value = 'connected';
        isBackOnline.value = wasLost;
      });
      if (wasLost) {
        clearTimeout(backOnlineTimer);
        backOnlineTimer = setTimeout(() => (isBackOnline.value = false), BACK_ONLINE_SHOW_MS);
      }
      onConnected();
    };
    const onDisconnect = (reason: string) => {
      batch(() => {
        connection.value = 'reconnecting';
        isBackOnline.value = false;
      });
      onDisconnected(reason);
    };
    const onConnectError = (err: Error) => {
      connection.value = 'reconnecting';
      const refused = handshakeError(err);
      if (!refused) return; // a transport failure: the manager retries with backoff by itself
      onRefused(refused);
      if (!RETRYABLE_CODES.includes(refused.code)) return;
      refusals++;
      clearTimeout(retryTimer);
      // [A4] A refusal's retryAfterMs (too many handshakes from this address) is the least wait.
      retryTimer = setTimeout(() => socket.connect(), retryDelayMs(refusals, random, refused.retryAfterMs));
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    return [
      stopTimers,
      () => socket.off('connect', onConnect),
      () => socket.off('disconnect', onDisconnect),
      () => socket.off('connect_error', onConnectError),
    ];
  }

  return { connection, isBackOnline, watch };
}
