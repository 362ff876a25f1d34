import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDb, startEmbeddedDb } from '../../src/devdb/embedded-db.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { type Harness, startHarness } from '../support/harness.js';

/** How long the route to the database is gone: a short blip. */
const BLIP_MS = 3_000;
/**
 * The driver gives up on a connection that no longer answers within its heartbeat (2 s) plus its
 * hello timeout (5 s) and opens new ones; then one readiness ping (≤ 2 s); margin for 2 busy
 * cores. With the driver's defaults (10 s + 30 s) this took ~35 s.
 */
const READY_AFTER_ROUTE_BACK_MS = 15_000;
const POLL_MS = 50;

let dataDir: string | undefined;
let db: EmbeddedDb | undefined;
let proxy: FaultProxy | undefined;
let h: Harness | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'hovor-stale-db-'));
  db = await startEmbeddedDb({ dataDir, synchronous: 'normal' });
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(db.url).port) } });
  h = await startHarness({ mongoUrl: `mongodb://127.0.0.1:${proxy.port}/?directConnection=true` });
});

afterAll(async () => {
  proxy?.heal();
  try {
    await h?.close();
  } finally {
    await proxy?.close();
    await db?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
});

const status = async (url: string) => (await fetch(url)).status;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('database connections that die silently', () => {
  it('[P14] the route to the database is lost for 3 s and the open connections never answer again: /readyz is 200 within 15 s of the route coming back, and chats start', async ({
    annotate,
  }) => {
    const harness = h!;
    const faults = proxy!;
    expect(await status(`${harness.baseUrl}/readyz`)).toBe(200);

    // A black hole, as a lost route or a dropped firewall state makes: nothing passes and no
    // connection is reset; the node's open connections (pool and monitor) are in it.
    expect(faults.halfOpen()).toBeGreaterThan(0);
    faults.blackholeNew(true);
    expect(await status(`${harness.baseUrl}/readyz`)).toBe(503);
    await delay(BLIP_MS);

    // The route is back for new connections; the old ones stay dead, as the database has
    // forgotten them. Readiness must not wait for them.
    faults.blackholeNew(false);
    const routeBackAt = Date.now();
    await expect
      .poll(() => status(`${harness.baseUrl}/readyz`), {
        timeout: READY_AFTER_ROUTE_BACK_MS,
        interval: POLL_MS,
      })
      .toBe(200);
    const readyAfterMs = Date.now() - routeBackAt;
    expect(readyAfterMs).toBeLessThan(READY_AFTER_ROUTE_BACK_MS);

    // Ready means serving: a new visitor starts a chat.
    const chat = await harness.startChat();
    expect(chat.conversation.id).toEqual(expect.any(String));
    await annotate(`after the route came back /readyz was 200 in ${readyAfterMs} ms`, 'timing');
  }, 60_000);
});
