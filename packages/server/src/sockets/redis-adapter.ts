import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Logger } from '../logger.js';

const newClient = (url: string) => createClient({ url });
/** A client `connectRedisAdapter` makes. */
type RedisClient = ReturnType<typeof newClient>;

/** What `io.adapter(...)` takes: builds the adapter of each namespace. */
export type SocketAdapterFactory = ReturnType<typeof createAdapter>;

export interface RedisSocketAdapter {
  adapter: SocketAdapterFactory;
  /** The publishing client, which also serves commands: the rate limits' shared counts [A4]. */
  client: RedisClient;
  /** Closes both Redis clients; call after the Socket.IO server has closed. */
  close(): Promise<void>;
}

/**
 * How long start-up waits for Redis. The client retries on its own; without a limit a wrong
 * REDIS_URL would hang the start instead of failing it.
 */
const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects a publishing and a subscribing Redis client and returns the Socket.IO adapter that
 * fans events out to every node using the same Redis. After start-up the clients reconnect by
 * themselves; their errors are logged, and events published while Redis is away are lost
 * (clients resync from `lastSeq` on reconnect).
 *
 * @example
 * const redis = await connectRedisAdapter(env.REDIS_URL, logger);
 * const hovor = createApp({ db, config, logger, paths, socketAdapter: redis.adapter });
 * // on shutdown
 * await hovor.close();
 * await redis.close();
 */
export async function connectRedisAdapter(
  url: string,
  logger: Logger,
  options: {
    /** Channel prefix; only nodes with the same key hear each other (tests share one Redis). */
    key?: string;
  } = {},
): Promise<RedisSocketAdapter> {
  const log = logger.child({ module: 'redis-adapter' });
  const pub = newClient(url);
  const sub = pub.duplicate();
  for (const [role, client] of [
    ['pub', pub],
    ['sub', sub],
  ] as const) {
    // Without an error listener a client error would crash the process.
    client.on('error', (error: unknown) => {
      log.error(
        { err: error, code: 'UNAVAILABLE', client: role },
        'Redis client error; it reconnects on its own',
      );
    });
    client.on('reconnecting', () => log.warn({ client: role }, 'reconnecting to Redis'));
    client.on('ready', () => log.debug({ client: role }, 'Redis client ready'));
  }

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${REDIS_CONNECT_TIMEOUT_MS} ms; check REDIS_URL`)),
      REDIS_CONNECT_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([Promise.all([pub.connect(), sub.connect()]), timeout]);
  } catch (error) {
    // destroy() also rejects the pending connects, so nothing keeps retrying in the background.
    pub.destroy();
    sub.destroy();
    throw new Error(`Could not connect to Redis (REDIS_URL): ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }

  return {
    adapter: createAdapter(pub, sub, options.key ? { key: options.key } : {}),
    client: pub,
    async close() {
      const results = await Promise.allSettled([pub.close(), sub.close()]);
      for (const result of results) {
        if (result.status === 'rejected') log.warn({ err: result.reason }, 'closing a Redis client failed');
      }
    },
  };
}
