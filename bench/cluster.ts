import { randomUUID } from 'node:crypto';
import { type AppConfig, type HovorNode, startHovor } from '@hovor/server';
import { connectMongo, createLogger, relaxedRateLimits } from '@hovor/server/testing';
import { type AgentSocket, createBenchSite, createSeeder, SHOP_ORIGIN, type VisitorSocket } from './seed.js';

export type { AgentSocket, VisitorSocket } from './seed.js';

export interface Cluster {
  nodeCount: number;
  /** Each node's HTTP address. */
  baseUrls: string[];
  /** The seeded site's key, and the page origin it allows. */
  siteKey: string;
  shopOrigin: string;
  /** Seeds agents with `capacity` each, signs them in on nodes round-robin and sets them online. */
  onlineAgents(count: number, capacity: number): Promise<AgentSocket[]>;
  /** Creates visitors through the REST API of nodes round-robin and connects each to its node. */
  visitors(count: number): Promise<VisitorSocket[]>;
  close(): Promise<void>;
}

/**
 * Starts `nodeCount` Hovor nodes in this process on 127.0.0.1, port 0, that share one (new)
 * database and fan Socket.IO events out through Redis like a multi-node deployment, and seeds
 * one site. The sweeper runs with its production interval.
 */
export async function startCluster(options: {
  nodeCount: number;
  mongoUrl: string;
  redisUrl: string;
  /** How long each node keeps a site's availability for the launchers (the app's default if absent). */
  availabilityCacheMs?: number;
}): Promise<Cluster> {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 16);
  const mongo = await connectMongo(options.mongoUrl, `bench_${suffix}`);
  const config: AppConfig = {
    publicUrl: 'http://hovor.test',
    sessionTtlMs: 3_600_000,
    defaultCapacity: 3,
    isProduction: false,
  };
  // BENCH_LOG_LEVEL=error shows the nodes' own errors (pino JSON on stdout), e.g. behind an INTERNAL ack.
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent');
  const nodes: HovorNode[] = [];
  const sockets: { disconnect(): void }[] = [];

  async function stopAll(): Promise<void> {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(nodes.map((node) => node.close()));
    await mongo.db.dropDatabase();
    await mongo.close();
  }

  try {
    for (let i = 0; i < options.nodeCount; i++) {
      nodes.push(
        await startHovor({
          database: { db: mongo.db },
          redis: { url: options.redisUrl, key: `hovor-bench-${suffix}` },
          config,
          logger,
          nodeId: `node-${i}-${suffix}`,
          // Hundreds of visitors from one address: the benchmark measures routing, not the limits.
          rateLimits: relaxedRateLimits(),
          ...(options.availabilityCacheMs === undefined
            ? {}
            : { availabilityCacheMs: options.availabilityCacheMs }),
        }),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const first = nodes[0]!.app;
  const site = await createBenchSite(first.repositories.sites);
  const seeder = createSeeder({
    site,
    agents: first.repositories.agents,
    suffix,
    baseUrl: (index) => nodes[index % nodes.length]!.url,
    onSocket: (socket) => sockets.push(socket),
  });

  return {
    nodeCount: nodes.length,
    baseUrls: nodes.map((node) => node.url),
    siteKey: site.key,
    shopOrigin: SHOP_ORIGIN,
    onlineAgents: async (count, capacity) =>
      (await seeder.onlineAgents(count, capacity)).map((agent) => agent.socket),
    visitors: seeder.visitors,
    close: stopAll,
  };
}
