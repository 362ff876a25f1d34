import { randomUUID } from 'node:crypto';
import {
  collections,
  connectMongo,
  createAgentRepository,
  createSiteRepository,
  type RoutingSettings,
  type Site,
} from '@hovor/server/testing';
import { type BenchChild, startBenchChild } from './child.js';
import { createBenchSite, createSeeder, type Seeder } from './seed.js';
import type { DatabaseService } from './services.js';

/**
 * Hovor nodes in processes of their own (`hovor-node.ts`) on a database of their own in the
 * bench's embedded database, with the bench site seeded: what the benches that measure a node
 * apart from the load generator start. Several nodes share the database and fan out through Redis.
 */
export interface HovorNodes {
  nodes: BenchChild[];
  /** Each node's HTTP address. */
  baseUrls: string[];
  /** The bench's own connection to the nodes' database (to count what they stored). */
  collections: ReturnType<typeof collections>;
  site: Site;
  /** Agents and visitors made on the nodes round-robin, the way real clients make them. */
  seeder: Seeder;
  /** Disconnects `socket` when the nodes close (the seeder's sockets are tracked already). */
  track(socket: { disconnect(): void }): void;
  /** Disconnects every tracked socket, stops the nodes and drops their database. */
  close(): Promise<void>;
}

/** Long enough that no chat of a bench run is re-assigned for want of an agent's reply [RT9]. */
const BENCH_FIRST_REPLY_SLA_MS = 60 * 60_000;

export async function startHovorNodes(
  database: DatabaseService,
  options: {
    /** 1 by default; more need `redisUrl`. */
    nodeCount?: number;
    redisUrl?: string;
    /** `hovor-node.ts`'s BENCH_RATE_LIMITS; `relaxed` by default. */
    rateLimits?: 'relaxed' | 'per-address';
    routing?: Partial<RoutingSettings>;
    /** Node options of each node's process, e.g. `--expose-gc`. */
    nodeArgs?: readonly string[];
  } = {},
): Promise<HovorNodes> {
  const nodeCount = options.nodeCount ?? 1;
  if (nodeCount > 1 && !options.redisUrl) throw new Error('several nodes need Redis (redisUrl)');
  const suffix = randomUUID().replace(/-/g, '').slice(0, 16);
  const dbName = `bench_${suffix}`;
  // BENCH_LOG_LEVEL=error shows the nodes' own errors (pino JSON), e.g. behind an INTERNAL ack.
  const logLevel = process.env.BENCH_LOG_LEVEL;
  const env: Record<string, string> = {
    MONGODB_URL: database.url,
    MONGODB_DB: dbName,
    LOG_LEVEL: logLevel ?? 'silent',
    BENCH_RATE_LIMITS: options.rateLimits ?? 'relaxed',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, BENCH_REDIS_KEY: `hovor-bench-${suffix}` } : {}),
  };
  const nodes: BenchChild[] = [];
  const sockets: { disconnect(): void }[] = [];
  let mongo: Awaited<ReturnType<typeof connectMongo>> | undefined;
  const close = async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await Promise.all(nodes.map((node) => node.stop()));
    if (mongo) {
      await mongo.db.dropDatabase();
      await mongo.close();
    }
  };
  try {
    // One after the other: the first creates the indexes.
    for (let i = 0; i < nodeCount; i++) {
      nodes.push(
        await startBenchChild('hovor-node.ts', {
          env,
          isEchoed: logLevel !== undefined,
          ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
        }),
      );
    }
    mongo = await connectMongo(database.url, dbName);
    const c = collections(mongo.db);
    const site = await createBenchSite(createSiteRepository(c), {
      firstReplySlaMs: BENCH_FIRST_REPLY_SLA_MS,
      ...options.routing,
    });
    const baseUrls = nodes.map((node) => `http://127.0.0.1:${node.port}`);
    const seeder = createSeeder({
      site,
      agents: createAgentRepository(c),
      suffix,
      baseUrl: (index) => baseUrls[index % baseUrls.length]!,
      onSocket: (socket) => sockets.push(socket),
    });
    return {
      nodes,
      baseUrls,
      collections: c,
      site,
      seeder,
      track: (socket) => sockets.push(socket),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
