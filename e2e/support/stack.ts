import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { createApp, type HovorApp } from '../../packages/server/src/app.js';
import { hashPassword } from '../../packages/server/src/auth/password.js';
import { collections } from '../../packages/server/src/db/collections.js';
import { connectMongo } from '../../packages/server/src/db/connect.js';
import { createDemoSite } from '../../packages/server/src/demo/demo-site.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { DEFAULT_STATIC_PATHS } from '../../packages/server/src/paths.js';
import type {} from '../../packages/server/test/support/global-setup.js';

export interface Stack {
  hovorUrl: string;
  demoUrl: string;
  /** The demo shop on an origin the site does not allow. */
  foreignDemoUrl: string;
  agent: { email: string; password: string; name: string };
  c: ReturnType<typeof collections>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/**
 * Hovor on http://localhost:PORT with the real built widget and console, the demo shop on
 * http://127.0.0.1:OTHER (a different origin) and one agent.
 */
export async function startStack(): Promise<Stack> {
  const mongo = await connectMongo(inject('mongoUrl'), `e2e_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
  const port = await freePort();
  const hovorUrl = `http://localhost:${port}`;
  const hovor: HovorApp = createApp({
    db: mongo.db,
    config: { publicUrl: hovorUrl, sessionTtlMs: 3_600_000, defaultCapacity: 3, isProduction: false },
    logger: createLogger('silent'),
    paths: DEFAULT_STATIC_PATHS,
    sweepIntervalMs: 1_000,
  });
  await hovor.start();
  await listen(hovor.httpServer, port);

  const demoPort = await freePort();
  const demoUrl = `http://127.0.0.1:${demoPort}`;
  const site = await hovor.repositories.sites.create(
    {
      key: 'e2e-shop',
      name: 'Demo Shop',
      allowedOrigins: [demoUrl],
      color: '#2563eb',
      greeting: 'Hi! How can we help?',
    },
    new Date(),
  );
  const demo = createDemoSite({ hovorUrl, siteKey: site.key });
  await listen(demo, demoPort, '127.0.0.1');
  const foreignPort = await freePort();
  const foreign = createDemoSite({ hovorUrl, siteKey: site.key });
  await listen(foreign, foreignPort, '127.0.0.1');

  const agent = { email: 'alice@shop.test', password: 'e2e-password-123', name: 'Alice' };
  await hovor.repositories.agents.create(
    {
      email: agent.email,
      name: agent.name,
      passwordHash: await hashPassword(agent.password),
      role: 'agent',
      siteIds: [site.id],
    },
    new Date(),
  );

  return {
    hovorUrl,
    demoUrl,
    foreignDemoUrl: `http://127.0.0.1:${foreignPort}`,
    agent,
    c: collections(mongo.db),
    async close() {
      demo.close();
      foreign.close();
      await hovor.close();
      await mongo.db.dropDatabase();
      await mongo.close();
    },
  };
}
