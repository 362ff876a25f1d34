import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedDb } from '../packages/server/src/devdb/embedded-db.js';
import { startLocalRedis } from '../packages/server/src/devdb/local-redis.js';

/** A process the bench started; `stop` ends it and removes its files. */
export interface Service {
  url: string;
  stop(): Promise<void>;
}

/**
 * The embedded database (FerretDB with SQLite) in a temporary directory of its own. `full` syncs
 * every commit (the default of a local run), `normal` does not wait for the disk on each commit.
 */
export async function startDatabase(synchronous: 'full' | 'normal' = 'full'): Promise<Service> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hovor-bench-db-'));
  try {
    const db = await startEmbeddedDb({ dataDir, synchronous });
    return {
      url: db.url,
      async stop() {
        await db.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A private redis-server on 127.0.0.1 without persistence, whatever else runs on the machine. */
export const startRedis: () => Promise<Service> = startLocalRedis;
