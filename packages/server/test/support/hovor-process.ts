import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Hovor as a real process (`src/main.ts`), for fault tests that kill it with a signal and start
 * it again.
 */

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Starting includes compiling TypeScript with tsx. */
const START_TIMEOUT_MS = 30_000;
/** A SIGTERM'd node closes sockets, Redis and the database; more than this is a hang. */
const STOP_TIMEOUT_MS = 10_000;
/** A "free" port taken by a parallel test before the node binds it: other ports are tried. */
const PORT_ATTEMPTS = 5;
/** Not served (DEMO=off): only the origin the bootstrapped demo site allows. */
export const DEMO_PORT = 3001;
/** The page origin the bootstrapped demo site allows; visitors of `DEMO_SITE_KEY` use it. */
export const HOST_ORIGIN = `http://127.0.0.1:${DEMO_PORT}`;

export interface HovorProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Everything the process printed, for failure messages. */
  output: () => string;
}

export interface StartNodeOptions {
  mongoUrl: string;
  dbName: string;
  /** Fans Socket.IO events out through Redis (multi-node); in-memory when absent. */
  redisUrl?: string;
  /** Listen on this port (a restarted node reusing its predecessor's); a free one by default. */
  port?: number;
  /** Extra or overriding environment variables (e.g. `PRESENCE_LEASE_MS`). */
  env?: Record<string, string>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!isRunning(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Starts `src/main.ts` as its own process and resolves once it has printed its banner. A "free"
 * port can be taken by a parallel test first; the process then stops before writing anything,
 * so other ports are tried (a fixed `port` is not retried). A start that fails leaves no process.
 */
export async function startNode(options: StartNodeOptions): Promise<HovorProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNodeOnce(options, options.port ?? (await freePort()));
    } catch (error) {
      const isRetryable = options.port === undefined && String(error).includes('EADDRINUSE');
      if (attempt >= PORT_ATTEMPTS || !isRetryable) throw error;
    }
  }
}

async function startNodeOnce(options: StartNodeOptions, port: number): Promise<HovorProcess> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      MONGODB_URL: options.mongoUrl,
      MONGODB_DB: options.dbName,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      DEMO: 'off',
      DEMO_PORT: String(DEMO_PORT),
      LOG_LEVEL: 'silent',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Keep draining both pipes for the whole run, so a chatty process never blocks on a full pipe.
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`no banner within ${START_TIMEOUT_MS} ms: ${output}`)),
        START_TIMEOUT_MS,
      );
      const onData = () => {
        if (output.includes('Hovor is running on')) finish();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        finish(new Error(`exited with ${code ?? signal} before its banner: ${output}`));
      function finish(error?: Error) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      }
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    });
  } catch (error) {
    if (isRunning(child)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    throw error;
  }
  return { child, port, baseUrl, output: () => output };
}

/** SIGTERMs the node and resolves with its exit code; rejects if it does not exit in time. */
export function stop(node: HovorProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no exit within ${STOP_TIMEOUT_MS} ms of SIGTERM: ${node.output()}`)),
      STOP_TIMEOUT_MS,
    );
    void exited(node.child).then(({ code }) => {
      clearTimeout(timer);
      resolve(code);
    });
    node.child.kill('SIGTERM');
  });
}

/** SIGKILLs the node if it still runs and waits for it to be gone. */
export async function kill(node: HovorProcess): Promise<void> {
  if (!isRunning(node.child)) return;
  node.child.kill('SIGKILL');
  await exited(node.child);
}
