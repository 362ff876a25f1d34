import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A bench server in a process of its own (`relay.ts`, `hovor-node.ts`), so its CPU is measured
 * apart from the load generator's. Each such entry prints `listening <port>` once it accepts
 * connections, stops on SIGTERM, and stops by itself when its parent goes away (its stdin closes).
 * It may also answer questions the parent writes to its stdin, one per line (`memory`, `sockets`),
 * with one line `answer <json>` each, in order (`answerQuestions`, `BenchChild.ask`).
 */

/** Starting includes compiling TypeScript with tsx and, for Hovor, creating the indexes. */
const START_TIMEOUT_MS = 60_000;
/** After SIGTERM; then SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;
/** The lines of output kept for an error message. */
const KEPT_OUTPUT_LINES = 40;
/** tsx is a dependency of the server package: the children start from there, like `pnpm bench`. */
const SERVER_DIR = fileURLToPath(new URL('../packages/server/', import.meta.url));

export interface BenchChild {
  pid: number;
  port: number;
  /** The last lines it printed, for failure messages. */
  output(): string;
  /** Asks the child a question (see `answerQuestions`) and resolves with its answer. */
  ask(question: string): Promise<unknown>;
  /** SIGTERM, then SIGKILL if it does not exit in time; resolves once it is gone. */
  stop(): Promise<void>;
}

/** What a child's memory looks like from inside, after a full garbage collection when it can run one. */
export interface ChildMemory {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Whether a collection ran first (the child was started with `--expose-gc`). */
  isAfterGc: boolean;
}

/** What a server child answers to `sockets`: the sockets connected to it now, per namespace. */
export interface ChildSockets {
  visitors: number;
  agents: number;
  /** Engine.IO connections still open (a socket leaves its namespace before its connection closes). */
  connections: number;
}

/** How long a child may take to answer a question. */
const ANSWER_TIMEOUT_MS = 30_000;
/** The line a child answers a question with. */
const ANSWER_LINE = /^answer (.*)$/;

/** The line a bench child prints once it listens, as a pattern. */
const LISTENING_LINE = /^listening (\d+)$/;

/** What a bench child prints once it listens on `port`. */
export function announceListening(port: number): void {
  process.stdout.write(`listening ${port}\n`);
}

/**
 * Ends the process when its parent goes away: the parent holds the other end of stdin, so stdin
 * ends when the parent exits for whatever reason (even SIGKILL).
 */
export function exitWithParent(stop: () => Promise<void>): void {
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

/** This process's memory, after a full collection when `--expose-gc` allows one. */
export function ownMemory(): ChildMemory {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const usage = process.memoryUsage();
  return {
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    isAfterGc: gc !== undefined,
  };
}

/**
 * Answers the questions the parent writes to stdin, one per line, each with one `answer <json>`
 * line in order (an unknown question is answered `null`).
 */
export function answerQuestions(answers: Record<string, () => unknown>): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const answer = Object.hasOwn(answers, line) ? answers[line]!() : null;
    process.stdout.write(`answer ${JSON.stringify(answer ?? null)}\n`);
  });
}

/**
 * Starts `bench/<entry>` with tsx and resolves once it prints its port. `isEchoed`: its output
 * also goes to this process's stderr (e.g. the server's error logs).
 */
export async function startBenchChild(
  entry: string,
  options: {
    env?: Record<string, string>;
    isEchoed?: boolean;
    /** Node options before the entry, e.g. `--expose-gc`. */
    nodeArgs?: readonly string[];
  } = {},
): Promise<BenchChild> {
  const file = fileURLToPath(new URL(entry, import.meta.url));
  // BENCH_NODE_PROFILE_DIR: each server child writes a V8 CPU profile there when it exits.
  const profileDir = process.env.BENCH_NODE_PROFILE_DIR;
  const profiling = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(
    process.execPath,
    [...profiling, ...(options.nodeArgs ?? []), '--import', 'tsx', file],
    {
      cwd: SERVER_DIR,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const keep = (line: string) => {
    if (options.isEchoed && !ANSWER_LINE.test(line)) process.stderr.write(`${line}\n`);
    lines.push(line);
    if (lines.length > KEPT_OUTPUT_LINES) lines.shift();
  };
  // Both pipes are read for the whole run, so a chatty child never blocks on a full pipe.
  createInterface({ input: child.stderr! }).on('line', keep);
  const stdout = createInterface({ input: child.stdout! });
  stdout.on('line', keep);
  const output = () => lines.join('\n');
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${entry}: no port within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const onLine = (line: string) => {
      const match = LISTENING_LINE.exec(line);
      if (match) finish(() => resolve(Number(match[1])));
    };
    const onExit = (code: number | null) => fail(new Error(`${entry} exited with ${code} before listening`));
    function finish(settle: () => void) {
      clearTimeout(timer);
      stdout.off('line', onLine);
      child.off('exit', onExit);
      settle();
    }
    function fail(error: Error) {
      child.kill('SIGKILL');
      finish(() => reject(new Error(`${error.message}:\n${output()}`)));
    }
    stdout.on('line', onLine);
    child.once('exit', onExit);
  });
  // Answers come back in the order the questions went out.
  const waiting: { resolve(answer: unknown): void; reject(error: Error): void }[] = [];
  stdout.on('line', (line) => {
    const match = ANSWER_LINE.exec(line);
    if (match) waiting.shift()?.resolve(JSON.parse(match[1]!));
  });
  child.once('exit', () => {
    for (const question of waiting.splice(0)) question.reject(new Error(`${entry} exited`));
  });
  const ask = (question: string) =>
    new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${entry}: no answer to "${question}" within ${ANSWER_TIMEOUT_MS} ms`)),
        ANSWER_TIMEOUT_MS,
      );
      waiting.push({
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.stdin!.write(`${question}\n`);
    });
  return { pid: child.pid!, port, output, ask, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** How often `waitForVisitorSockets` asks. */
const SOCKETS_POLL_MS = 20;

/**
 * Waits until the server child counts `count` visitor sockets and no connection without a socket
 * (a socket leaves its namespace before its connection closes), or until `timeoutMs`; resolves
 * with its last count.
 */
export async function waitForVisitorSockets(
  child: Pick<BenchChild, 'ask'>,
  count: number,
  timeoutMs: number,
): Promise<ChildSockets> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const seen = (await child.ask('sockets')) as ChildSockets;
    const isSettled = seen.visitors === count && seen.connections === seen.visitors + seen.agents;
    if (isSettled || performance.now() >= until) return seen;
    await new Promise((resolve) => setTimeout(resolve, SOCKETS_POLL_MS));
  }
}
