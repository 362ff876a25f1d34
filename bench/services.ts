import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedDb, startLocalRedis } from '@hovor/server/testing';
import { childPidsNamed } from './proc.js';

/** A process the bench started; `stop` ends it and removes its files. */
export interface Service {
  url: string;
  stop(): Promise<void>;
}

/** The embedded database's process name (`tools/devdb/bin/devdb`), as `/proc/<pid>/comm` shows it. */
const DATABASE_PROCESS_NAME = 'devdb';

/** The embedded database, with its process id so a bench can measure its CPU and memory. */
export interface DatabaseService extends Service {
  pid: number;
}

/**
 * The embedded database (FerretDB with SQLite) in a temporary directory of its own. `full` syncs
 * every commit (the default of a local run), `normal` does not wait for the disk on each commit.
 */
export async function startDatabase(synchronous: 'full' | 'normal' = 'full'): Promise<DatabaseService> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hovor-bench-db-'));
  try {
    // startEmbeddedDb does not tell its child's pid: it is the one devdb child that is new.
    const before = new Set(childPidsNamed(DATABASE_PROCESS_NAME));
    // BENCH_DB_PROFILE: the database writes its Go CPU profile to this file when it stops.
    const cpuProfile = process.env.BENCH_DB_PROFILE;
    const db = await startEmbeddedDb({ dataDir, synchronous, ...(cpuProfile ? { cpuProfile } : {}) });
    const started = childPidsNamed(DATABASE_PROCESS_NAME).filter((pid) => !before.has(pid));
    if (started.length !== 1) {
      await db.stop();
      throw new Error(`expected one new ${DATABASE_PROCESS_NAME} process, found ${started.length}`);
    }
    return {
      url: db.url,
      pid: started[0]!,
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
