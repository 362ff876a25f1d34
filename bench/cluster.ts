import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  type Ack,
  AGENT_NAMESPACE,
  type AgentClientToServerEvents,
  type AgentServerToClientEvents,
  PROTOCOL_VERSION,
  VISITOR_NAMESPACE,
  type VisitorClientToServerEvents,
  type VisitorServerToClientEvents,
} from '../packages/protocol/src/index.js';
import { createApp, type HovorApp } from '../packages/server/src/app.js';
import { hashPassword } from '../packages/server/src/auth/password.js';
import type { AppConfig } from '../packages/server/src/config.js';
import { connectMongo } from '../packages/server/src/db/connect.js';
import { createLogger } from '../packages/server/src/logger.js';
import { DEFAULT_STATIC_PATHS } from '../packages/server/src/paths.js';
import type { Site } from '../packages/server/src/sites/site.repository.js';
import {
  connectRedisAdapter,
  type RedisSocketAdapter,
} from '../packages/server/src/sockets/redis-adapter.js';
import { relaxedRateLimits } from '../packages/server/test/support/rate-limits.js';
import { type ClientSocket, connectSocket } from './socket.js';

export type VisitorSocket = ClientSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>;
export type AgentSocket = ClientSocket<AgentServerToClientEvents, AgentClientToServerEvents>;

/** The page origin the bench site allows. */
const SHOP_ORIGIN = 'http://shop.test';
const AGENT_PASSWORD = 'correct horse battery staple';
/** How long a setup command may take before the bench gives up. */
const SETUP_TIMEOUT_MS = 15_000;

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
  const redisClients: RedisSocketAdapter[] = [];
  const nodes: { hovor: HovorApp; baseUrl: string }[] = [];
  const sockets: { disconnect(): void }[] = [];

  async function stopAll(): Promise<void> {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(nodes.map((node) => node.hovor.close()));
    await Promise.all(redisClients.map((redis) => redis.close()));
    await mongo.db.dropDatabase();
    await mongo.close();
  }

  try {
    for (let i = 0; i < options.nodeCount; i++) {
      const redis = await connectRedisAdapter(options.redisUrl, logger, { key: `hovor-bench-${suffix}` });
      redisClients.push(redis);
      const hovor = createApp({
        db: mongo.db,
        config,
        logger,
        paths: DEFAULT_STATIC_PATHS,
        nodeId: `node-${i}-${suffix}`,
        socketAdapter: redis.adapter,
        // Hundreds of visitors from one address: the benchmark measures routing, not the limits.
        rateLimits: relaxedRateLimits(),
        ...(options.availabilityCacheMs === undefined
          ? {}
          : { availabilityCacheMs: options.availabilityCacheMs }),
      });
      await hovor.start();
      await new Promise<void>((resolve) => hovor.httpServer.listen(0, '127.0.0.1', resolve));
      nodes.push({ hovor, baseUrl: `http://127.0.0.1:${(hovor.httpServer.address() as AddressInfo).port}` });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const first = nodes[0]!.hovor;
  const site: Site = await first.repositories.sites.create(
    {
      key: 'bench-site',
      name: 'Bench Shop',
      allowedOrigins: [SHOP_ORIGIN],
      color: '#123456',
      greeting: 'Hello',
    },
    new Date(),
  );
  const baseUrl = (index: number) => nodes[index % nodes.length]!.baseUrl;

  async function connect<S extends { disconnect(): void }>(connecting: Promise<S>): Promise<S> {
    const socket = await connecting;
    sockets.push(socket);
    return socket;
  }

  async function onlineAgent(index: number, capacity: number, passwordHash: string): Promise<AgentSocket> {
    const email = `agent${index}-${suffix}@example.test`;
    await first.repositories.agents.create(
      { email, name: `Agent ${index}`, passwordHash, role: 'agent', siteIds: [site.id], capacity },
      new Date(),
    );
    const response = await fetch(`${baseUrl(index)}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: AGENT_PASSWORD }),
    });
    const setCookie = response.headers.get('set-cookie');
    if (response.status !== 200 || !setCookie) throw new Error(`sign-in failed with HTTP ${response.status}`);
    const socket = await connect(
      connectSocket<AgentServerToClientEvents, AgentClientToServerEvents>(
        `${baseUrl(index)}${AGENT_NAMESPACE}`,
        {
          auth: { v: PROTOCOL_VERSION },
          extraHeaders: { cookie: setCookie.split(';')[0]! },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        },
      ),
    );
    const ack = await socket.timeout(SETUP_TIMEOUT_MS).emitWithAck('status:set', { status: 'online' });
    if (!ack.ok) throw new Error(`status:set failed: ${ack.error.code} ${ack.error.message}`);
    return socket;
  }

  async function visitor(index: number): Promise<VisitorSocket> {
    const response = await fetch(`${baseUrl(index)}/api/v1/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: site.key, hostOrigin: SHOP_ORIGIN }),
    });
    const body = (await response.json()) as Ack<{ visitorId: string; token: string }>;
    if (!body.ok) throw new Error(`creating a visitor failed: ${body.error.code}`);
    return connect(
      connectSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>(
        `${baseUrl(index)}${VISITOR_NAMESPACE}`,
        {
          auth: { v: PROTOCOL_VERSION, siteKey: site.key, token: body.data.token, hostOrigin: SHOP_ORIGIN },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        },
      ),
    );
  }

  return {
    nodeCount: nodes.length,
    baseUrls: nodes.map((node) => node.baseUrl),
    siteKey: site.key,
    shopOrigin: SHOP_ORIGIN,
    async onlineAgents(count, capacity) {
      // One hash for every agent: hashing is not what this bench measures.
      const passwordHash = await hashPassword(AGENT_PASSWORD);
      return inBatches(count, (i) => onlineAgent(i, capacity, passwordHash));
    },
    visitors: (count) => inBatches(count, visitor),
    close: stopAll,
  };
}

/** Runs `make(0..count-1)` a few at a time, so setup does not itself become a burst. */
async function inBatches<T>(count: number, make: (index: number) => Promise<T>, size = 10): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k));
    made.push(...(await Promise.all(batch)));
  }
  return made;
}
