import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDb } from '../../src/devdb/embedded-db.js';
import { startLocalRedis } from '../../src/devdb/local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUrl: string;
    redisUrl: string;
  }
}

/**
 * One database server per test run: the embedded one in a temporary directory, or MongoDB
 * when MONGODB_URL is set. Each test file then uses a database of its own.
 * Also one private redis-server for the multi-node tests, whatever runs on the machine.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startLocalRedis();
  project.provide('redisUrl', redis.url);

  const external = process.env.MONGODB_URL;
  if (external) {
    project.provide('mongoUrl', external);
    return async () => {
      await redis.stop();
    };
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hovor-test-db-'));
  const db = await startEmbeddedDb({ dataDir, synchronous: 'normal' });
  project.provide('mongoUrl', db.url);
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await redis.stop();
  };
}
