import type { AddressInfo } from 'node:net';
import type { Db, MongoClient } from 'mongodb';
import { type AppDeps, createApp, type HovorApp } from './app.js';
import { connectMongo } from './db/connect.js';
import type { StaticPaths } from './http/static.routes.js';
import { createLogger, type Logger } from './logger.js';
import { DEFAULT_STATIC_PATHS } from './paths.js';
import { connectRedisAdapter, type RedisSocketAdapter } from './sockets/redis-adapter.js';

/** Where a node's data lives: a database to connect to, or one already connected (another node's). */
export type NodeDatabase =
  | {
      url: string;
      name: string;
      /** Connections to the database (the driver's default where absent; the embedded one wants few). */
      maxPoolSize?: number;
      /** Emits the driver's command events on `mongoClient` (tests and benches count commands). */
      monitorCommands?: boolean;
    }
  | { db: Db };

export interface HovorNodeOptions
  extends Omit<AppDeps, 'db' | 'socketAdapter' | 'logger' | 'paths' | 'rateLimits'> {
  database: NodeDatabase;
  /** Several nodes: Socket.IO events between them through Redis (and, with `sharesRateLimits`, one set of rate limits). */
  redis?: { url: string; key?: string; sharesRateLimits?: boolean };
  /** Silent by default. */
  logger?: Logger;
  paths?: StaticPaths;
  rateLimits?: AppDeps['rateLimits'];
  /** 127.0.0.1 by default; null: every interface (Node's default), named `localhost` in `url`. */
  host?: string | null;
  /** 0 (a free port) by default. */
  port?: number;
}

export interface HovorNode {
  app: HovorApp;
  /** `http://host:port` as listened on. */
  url: string;
  port: number;
  db: Db;
  /** The driver's client when this node connected the database itself. */
  mongoClient: MongoClient | null;
  /** Closes the node (its sockets, sweeper, leases), leaving its connections open: a test then drops its database. */
  stop(): Promise<void>;
  /** Stops the node (once), then closes what it connected (Redis, the database). */
  close(): Promise<void>;
}

/**
 * Starts one Hovor node: connects what it needs, builds the app, starts it (indexes, sweeper) and
 * listens. The one way to run Hovor — `main.ts`, the tests, the end-to-end tests and the
 * benchmarks all start it here; what else they need of the server comes from `testing.ts`.
 *
 * @example
 * const node = await startHovor({ database: { url, name: 'hovor' }, config });
 * await fetch(`${node.url}/readyz`);
 * await node.close();
 */
export async function startHovor(options: HovorNodeOptions): Promise<HovorNode> {
  const logger = options.logger ?? createLogger('silent');
  const { database } = options;
  const mongo =
    'db' in database
      ? null
      : await connectMongo(database.url, database.name, {
          ...(database.maxPoolSize ? { maxPoolSize: database.maxPoolSize } : {}),
          ...(database.monitorCommands ? { monitorCommands: true } : {}),
        });
  const db = 'db' in database ? database.db : mongo!.db;
  let redis: RedisSocketAdapter | undefined;
  let app: HovorApp | undefined;
  try {
    if (options.redis) {
      redis = await connectRedisAdapter(options.redis.url, logger, {
        ...(options.redis.key ? { key: options.redis.key } : {}),
      });
    }
    const {
      database: _database,
      redis: redisOptions,
      host = '127.0.0.1',
      port = 0,
      paths = DEFAULT_STATIC_PATHS,
      rateLimits,
      ...deps
    } = options;
    const sharedLimits = redis && redisOptions?.sharesRateLimits ? { redis: { client: redis.client } } : {};
    app = createApp({
      ...deps,
      db,
      logger,
      paths,
      socketAdapter: redis?.adapter,
      rateLimits: { ...sharedLimits, ...rateLimits },
    });
    await app.start();
    await listen(app, port, host ?? undefined);
    const bound = (app.httpServer.address() as AddressInfo).port;
    const started = app;
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= started.close();
      return stopping;
    };
    const hostName = host === null ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    return {
      app: started,
      url: `http://${hostName}:${bound}`,
      port: bound,
      db,
      mongoClient: mongo?.client ?? null,
      stop,
      async close() {
        await stop();
        await redis?.close();
        await mongo?.close();
      },
    };
  } catch (error) {
    // Nothing half-started stays behind: a port in use, Redis away.
    await app?.close().catch(() => undefined);
    await redis?.close().catch(() => undefined);
    await mongo?.close().catch(() => undefined);
    throw error;
  }
}

function listen(app: HovorApp, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    app.httpServer.once('error', reject);
    app.httpServer.listen(port, host, () => {
      app.httpServer.off('error', reject);
      resolve();
    });
  });
}
