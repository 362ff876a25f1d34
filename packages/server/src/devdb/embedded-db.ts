import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Root of the repository, found from this file's location. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEVDB_DIR = path.join(REPO_ROOT, 'tools', 'devdb');
export const DEVDB_BINARY = path.join(DEVDB_DIR, 'bin', 'devdb');

/** How long the first start may take to print its address. */
const START_TIMEOUT_MS = 30_000;

export interface EmbeddedDb {
  /** A MongoDB connection string for the driver. */
  url: string;
  /** The database's process id (benchmarks read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Builds the embedded database (FerretDB with SQLite, a small Go module in tools/devdb)
 * when its binary is missing. Needs Go; the build takes minutes the first time.
 */
export function ensureEmbeddedDbBinary(): string {
  if (existsSync(DEVDB_BINARY)) return DEVDB_BINARY;
  const result = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'build-devdb.sh')], { stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(DEVDB_BINARY)) {
    throw new Error('Building the embedded database failed; run scripts/build-devdb.sh to see why.');
  }
  return DEVDB_BINARY;
}

/**
 * Starts the embedded database on `listen` (port 0 picks a free port) with its files in
 * `dataDir`. It exits by itself when this process goes away (its stdin closes).
 */
export async function startEmbeddedDb(options: {
  dataDir: string;
  listen?: string;
  /**
   * `full` (default) syncs every commit to disk. `normal` survives a killed process but may lose
   * the last commits on a power cut; several times faster, for tests and benchmarks.
   */
  synchronous?: 'full' | 'normal';
  /** Writes the database's CPU profile (Go pprof) to this file when it stops: for benchmarks. */
  cpuProfile?: string;
}): Promise<EmbeddedDb> {
  const binary = ensureEmbeddedDbBinary();
  mkdirSync(options.dataDir, { recursive: true });
  const args = ['--listen', options.listen ?? '127.0.0.1:0', '--data', options.dataDir];
  args.push('--synchronous', options.synchronous ?? 'full');
  if (options.cpuProfile) args.push('--cpuprofile', options.cpuProfile);
  const child = spawn(binary, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 50) stderr.shift();
  });
  const uri = await readListeningLine(child, stderr);
  return {
    url: `${uri.replace(/\/$/, '')}/?directConnection=true`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

function readListeningLine(child: ChildProcess, stderr: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Embedded database did not start in ${START_TIMEOUT_MS} ms: ${stderr.join('')}`));
    }, START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^listening (mongodb:\/\/\S+)$/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Embedded database exited with code ${code}: ${stderr.join('')}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
