import { randomUUID } from 'node:crypto';
import { type Ack, AGENT_NAMESPACE, PROTOCOL_VERSION, VISITOR_NAMESPACE } from '@hovor/protocol';
import { io, type Socket } from 'socket.io-client';
import { inject } from 'vitest';
import type { HovorApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { collections } from '../../src/db/collections.js';
import { connectMongo } from '../../src/db/connect.js';
import { createLogger } from '../../src/logger.js';
import { startHovor } from '../../src/node.js';
import type { Site } from '../../src/sites/site.repository.js';
import { relaxedRateLimits } from '../../src/testing.js';
import {
  AGENT_PASSWORD,
  type AgentSocket,
  connectSocket,
  createTestAgent,
  SHOP_ORIGIN,
  signIn,
  type VisitorSocket,
} from './harness.js';

export interface ClusterNode {
  nodeId: string;
  hovor: HovorApp;
  baseUrl: string;
  /** Stops the node and closes its Redis clients. */
  close(): Promise<void>;
}

export interface Cluster {
  nodes: ClusterNode[];
  db: Awaited<ReturnType<typeof connectMongo>>['db'];
  c: ReturnType<typeof collections>;
  site: Site;
  seedAgent(input: { name: string; capacity?: number }): Promise<{ id: string; email: string }>;
  /** Creates a visitor through node `index`'s REST API and connects it to that node. */
  visitor(index: number): Promise<{ socket: VisitorSocket; token: string; visitorId: string }>;
  /** Signs the agent in and connects a socket (one browser tab) to node `index`. */
  agent(index: number, email: string): Promise<AgentSocket>;
  close(): Promise<void>;
}

/** Hashing with the production cost for every agent makes seeding slow and proves nothing more. */

/**
 * Starts `n` Hovor nodes on port 0 that share one database (of this cluster's own) and fan
 * Socket.IO events out through the test run's Redis, like a multi-node deployment, and seeds
 * one site. The sweeper is off, as in `startHarness`, so tests drive every step.
 */
export async function startCluster(n: number, options: { sweepIntervalMs?: number } = {}): Promise<Cluster> {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 16);
  const mongo = await connectMongo(inject('mongoUrl'), `t_${suffix}`);
  const config: AppConfig = {
    publicUrl: 'http://hovor.test',
    sessionTtlMs: 3_600_000,
    defaultCapacity: 3,
    isProduction: false,
  };
  const logger = createLogger('silent');
  const nodes: ClusterNode[] = [];
  const sockets: Socket[] = [];

  async function stopAll(): Promise<void> {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(nodes.map((node) => node.close()));
    await mongo.db.dropDatabase();
    await mongo.close();
  }

  try {
    for (let i = 0; i < n; i++) {
      const nodeId = `node-${i}-${suffix}`;
      // Each node has its own Redis clients, as separate processes would; the key keeps this
      // cluster apart from the other test files that use the same Redis at the same time.
      const started = await startHovor({
        database: { db: mongo.db },
        redis: { url: inject('redisUrl'), key: `hovor-${suffix}` },
        config,
        logger,
        nodeId,
        sweepIntervalMs: options.sweepIntervalMs ?? 0,
        rateLimits: relaxedRateLimits(),
      });
      nodes.push({ nodeId, hovor: started.app, baseUrl: started.url, close: started.close });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const first = nodes[0]!.hovor;
  const site = await first.repositories.sites.create(
    {
      key: 'test-site',
      name: 'Test Shop',
      allowedOrigins: [SHOP_ORIGIN],
      color: '#123456',
      greeting: 'Hello',
    },
    new Date(),
  );

  function node(index: number): ClusterNode {
    const found = nodes[index];
    if (!found) throw new Error(`the cluster has ${nodes.length} nodes; there is no node ${index}`);
    return found;
  }

  const connect = <S extends Socket>(socket: S) => connectSocket(socket, sockets);

  return {
    nodes,
    db: mongo.db,
    c: collections(mongo.db),
    site,
    seedAgent: (input) => createTestAgent(first.repositories.agents, site.id, input),
    async visitor(index) {
      const { baseUrl } = node(index);
      const response = await fetch(`${baseUrl}/api/v1/visitors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ siteKey: site.key, hostOrigin: SHOP_ORIGIN }),
      });
      const body = (await response.json()) as Ack<{ visitorId: string; token: string }>;
      if (!body.ok) throw new Error(`creating a visitor failed: ${body.error.code}`);
      const socket = await connect<VisitorSocket>(
        io(`${baseUrl}${VISITOR_NAMESPACE}`, {
          auth: { v: PROTOCOL_VERSION, siteKey: site.key, token: body.data.token, hostOrigin: SHOP_ORIGIN },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        }),
      );
      return { socket, token: body.data.token, visitorId: body.data.visitorId };
    },
    async agent(index, email) {
      const { baseUrl } = node(index);
      const cookie = await signIn(baseUrl, email, AGENT_PASSWORD);
      return connect<AgentSocket>(
        io(`${baseUrl}${AGENT_NAMESPACE}`, {
          auth: { v: PROTOCOL_VERSION },
          extraHeaders: { cookie },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        }),
      );
    },
    close: stopAll,
  };
}
