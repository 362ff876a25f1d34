import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** How long redis-server may take to say it is ready. */
const REDIS_START_TIMEOUT_MS = 10_000;
/** A free port can be taken by someone else before redis-server binds it; try again then. */
const REDIS_START_ATTEMPTS = 3;

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * A private redis-server on 127.0.0.1 (free port, temporary directory, no persistence) for the
 * multi-node tests and the benchmarks, whatever else runs on the machine.
 */
export async function startLocalRedis(): Promise<LocalRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hovor-redis-'));
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
    'Could not start redis-server; install it (`scripts/setup.sh --browser` does, or `apt-get install redis-server`).',
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
