import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDb } from '../../src/devdb/embedded-db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUrl: string;
    redisUrl: string;
  }
}

/** How long redis-server may take to say it is ready. */
const REDIS_START_TIMEOUT_MS = 10_000;
/** A free port can be taken by someone else before redis-server binds it; try again then. */
const REDIS_START_ATTEMPTS = 3;

/**
 * One database server per test run: the embedded one in a temporary directory, or MongoDB
 * when MONGODB_URL is set. Each test file then uses a database of its own.
 * Also one private redis-server for the multi-node tests, whatever runs on the machine.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedis();
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

async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hovor-test-redis-'));
  let lastError: unknown;
  for (let attempt = 1; attempt <= REDIS_START_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      const child = await spawnRedis(port, dir);
      return {
        url: `redis://127.0.0.1:${port}`,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(
    'Could not start redis-server for the multi-node tests; install it (`scripts/setup.sh --browser` ' +
      'does, or `apt-get install redis-server`).',
    { cause: lastError },
  );
}

function spawnRedis(port: number, dir: string): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`redis-server was not ready within ${REDIS_START_TIMEOUT_MS} ms:\n${output}`)),
      REDIS_START_TIMEOUT_MS,
    );
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      // Keep draining the pipes so a chatty server never blocks on a full buffer.
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
