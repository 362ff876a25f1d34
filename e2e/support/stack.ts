import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HovorApp, type HovorNode, startHovor } from '@hovor/server';
import { collections, connectMongo, createDemoSite, createLogger, hashPassword } from '@hovor/server/testing';
import { inject } from 'vitest';
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
  /**
   * Changes the e2e site's stored settings through the server (which then serves them at once; a
   * write to the collection would wait out the node's site cache).
   */
  updateSite(change: Parameters<HovorApp['repositories']['sites']['update']>[1]): Promise<void>;
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
 * Hovor on http://localhost:PORT (every interface), its public URL naming that port. A port
 * found free can be taken by a parallel test before Hovor binds it: then try another
 * (`startHovor` leaves nothing running when it fails).
 */
async function startHovorOnFreePort(db: HovorNode['db']): Promise<HovorNode> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startHovor({
        database: { db },
        host: null,
        port,
        config: {
          publicUrl: `http://localhost:${port}`,
          sessionTtlMs: 3_600_000,
          defaultCapacity: 3,
          isProduction: false,
        },
        logger: createLogger('silent'),
        sweepIntervalMs: 1_000,
        // The tests change who is online between page loads and expect the next load to see it.
        availabilityCacheMs: 0,
      });
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
  const node = await startHovorOnFreePort(mongo.db);
  const hovor = node.app;
  const hovorUrl = node.url;

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
    updateSite: (change) => hovor.repositories.sites.update(site.id, change),
    async close() {
      demo.close();
      foreign.close();
      sameSite.close();
      await node.close();
      await mongo.db.dropDatabase();
      await mongo.close();
    },
  };
}
