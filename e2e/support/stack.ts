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
  /** The running app, for what a test checks on the server side (e.g. its sockets). */
  hovor: HovorApp;
  demoUrl: string;
  /** The demo shop on an origin the site does not allow. */
  foreignDemoUrl: string;
  /**
   * The demo shop on the same site as Hovor (localhost, another port), as when Hovor runs on a
   * subdomain of the shop: the frame is not third-party there, so browsers let it keep storage.
   */
  sameSiteDemoUrl: string;
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
 * Listens on a free port, built by `make(port)` (which may need to know it first). A port found
 * free can be taken by a parallel test before we bind it: then try another.
 */
async function listenOnFreePort<T extends { server: Server }>(
  make: (port: number) => T,
  host?: string,
): Promise<T & { port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const made = make(port);
    try {
      await listen(made.server, port, host);
      return { ...made, port };
    } catch (error) {
      if (attempt >= 5 || (error as { code?: string }).code !== 'EADDRINUSE') throw error;
    }
  }
}

/**
 * Hovor on http://localhost:PORT with the real built widget and console, the demo shop on
 * http://127.0.0.1:OTHER (a different origin) and one agent.
 */
export async function startStack(): Promise<Stack> {
  const mongo = await connectMongo(inject('mongoUrl'), `e2e_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
  // The app is only started (indexes, sweeper) once it listens, so an abandoned attempt leaves nothing running.
  const { hovor, hovorUrl } = await listenOnFreePort((port) => {
    const url = `http://localhost:${port}`;
    const app: HovorApp = createApp({
      db: mongo.db,
      config: { publicUrl: url, sessionTtlMs: 3_600_000, defaultCapacity: 3, isProduction: false },
      logger: createLogger('silent'),
      paths: DEFAULT_STATIC_PATHS,
      sweepIntervalMs: 1_000,
      // The tests change who is online between page loads and expect the next load to see it.
      availabilityCacheMs: 0,
    });
    return { server: app.httpServer, hovor: app, hovorUrl: url };
  });
  await hovor.start();

  const siteKey = 'e2e-shop';
  const { server: demo, port: demoPort } = await listenOnFreePort(
    () => ({ server: createDemoSite({ hovorUrl, siteKey }) }),
    '127.0.0.1',
  );
  const { server: foreign, port: foreignPort } = await listenOnFreePort(
    () => ({ server: createDemoSite({ hovorUrl, siteKey }) }),
    '127.0.0.1',
  );
  const { server: sameSite, port: sameSitePort } = await listenOnFreePort(() => ({
    server: createDemoSite({ hovorUrl, siteKey }),
  }));
  const demoUrl = `http://127.0.0.1:${demoPort}`;
  const sameSiteDemoUrl = `http://localhost:${sameSitePort}`;
  const site = await hovor.repositories.sites.create(
    {
      key: siteKey,
      name: 'Demo Shop',
      allowedOrigins: [demoUrl, sameSiteDemoUrl],
      color: '#2563eb',
      greeting: 'Hi! How can we help?',
    },
    new Date(),
  );

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
    hovor,
    demoUrl,
    foreignDemoUrl: `http://127.0.0.1:${foreignPort}`,
    sameSiteDemoUrl,
    agent,
    c: collections(mongo.db),
    async close() {
      demo.close();
      foreign.close();
      sameSite.close();
      await hovor.close();
      await mongo.db.dropDatabase();
      await mongo.close();
    },
  };
}
