import { createRequire } from 'node:module';

/**
 * socket.io-client is a dependency of the server package, not of the repository root, so the
 * bench loads it the way the server package would (Node's own resolution from there) and types
 * the few calls it makes itself, against the protocol's event maps.
 */
type EventMap = Record<string, (...args: never[]) => void>;

/** The response type of a command's ack callback. */
type AckOf<F> = F extends (input: never, ack: (response: infer R) => void) => void ? R : never;

export interface ClientSocket<Listen extends EventMap, Emit extends EventMap> {
  on(event: 'disconnect', listener: (reason: string) => void): this;
  on<E extends keyof Listen & string>(event: E, listener: Listen[E]): this;
  off<E extends keyof Listen & string>(event: E, listener: Listen[E]): this;
  off(event: 'connect' | 'connect_error' | 'disconnect', listener: (...args: never[]) => void): this;
  once(event: 'connect', listener: () => void): this;
  once(event: 'connect_error', listener: (error: Error) => void): this;
  once(event: 'disconnect', listener: (reason: string) => void): this;
  emit<E extends keyof Emit & string>(event: E, ...args: Parameters<Emit[E]>): this;
  timeout(ms: number): {
    emitWithAck<E extends keyof Emit & string>(
      event: E,
      input: Parameters<Emit[E]>[0],
    ): Promise<AckOf<Emit[E]>>;
  };
  disconnect(): this;
  /** Connects again after a disconnect (through a new connection of its manager). */
  connect(): this;
  readonly connected: boolean;
  /** Its manager; closing the manager's engine cuts the connection under the socket, as a network would. */
  readonly io: { engine: { close(): void } };
}

interface ClientOptions {
  auth: Record<string, unknown>;
  extraHeaders?: Record<string, string>;
  transports: string[];
  forceNew: boolean;
  reconnection: boolean;
}

const requireFromServer = createRequire(new URL('../packages/server/package.json', import.meta.url));
const client = requireFromServer('socket.io-client') as { io(url: string, options: ClientOptions): unknown };

/** `io(url, options)` of socket.io-client, typed with the namespace's event maps. */
export function connectSocket<Listen extends EventMap, Emit extends EventMap>(
  url: string,
  options: ClientOptions,
): Promise<ClientSocket<Listen, Emit>> {
  const socket = client.io(url, options) as ClientSocket<Listen, Emit>;
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}
