/**
 * Idle sockets and handshakes: 10,000 visitors made through `POST /api/v1/visitors` (tokens/s),
 * connected to one Hovor node in a process of its own with bounded concurrency (handshakes/s),
 * then left idle: the node's memory growth per idle socket (RSS and V8 heap, each after a full
 * garbage collection, after connecting minus before) and the CPU they cost at rest. The same for
 * the bare relay (`relay.ts`), the floor Socket.IO itself sets. Per-address limits are relaxed
 * (`hovor-node.ts`): every socket comes from 127.0.0.1. Fewer sockets when a process's open-files
 * limit (`ulimit -n`) would not hold them (the results say so).
 *
 *   pnpm bench --only idle-sockets           writes bench/results/idle-sockets.json
 *   pnpm bench --only idle-sockets --smoke   200 sockets to each; fails if one does not connect
 *   --sockets 2000                           another count; writes nothing
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  PROTOCOL_VERSION,
  VISITOR_NAMESPACE,
  type VisitorClientToServerEvents,
  type VisitorServerToClientEvents,
} from '../packages/protocol/src/index.js';
import { type BenchChild, type ChildMemory, startBenchChild, waitForVisitorSockets } from './child.js';
import { type CoresUsed, startCpuWindow } from './cpu-window.js';
import { startHovorNodes } from './hovor-nodes.js';
import { openFiles, openFilesLimit } from './proc.js';
import { countBy } from './retry.js';
import { inPool, type VisitorSocket } from './seed.js';
import { type DatabaseService, startDatabase } from './services.js';
import { connectSocket } from './socket.js';
import { countFlag, formatTable, machine, resultHeader, runBench, toFormattedJson } from './stats.js';

const SMOKE = process.argv.includes('--smoke');
const CUSTOM_COUNT = countFlag(process.argv, 'sockets');
const WANTED_SOCKETS = CUSTOM_COUNT ?? (SMOKE ? 200 : 10_000);
/** Visitors created and sockets connected at once. */
const TOKEN_CONCURRENCY = 32;
const HANDSHAKE_CONCURRENCY = 64;
/** Files a process needs besides the sockets (database pool, pipes, libraries). */
const OTHER_FILES = 200;
/** How long the sockets idle while the node's CPU is measured: a ping interval (25 s) would be fairer, this is cheaper. */
const IDLE_MS = SMOKE ? 1_000 : 10_000;
/** Longest wait for the server to see every connect or disconnect. */
const SETTLE_TIMEOUT_MS = 30_000;
const KIB = 1024;
const MIB = 1024 * 1024;

const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'idle-sockets.json');

interface ServerMemory {
  rssMib: number;
  heapUsedMib: number;
  externalMib: number;
}

interface SystemResult {
  system: 'Hovor' | 'relay';
  sockets: number;
  /** Visitors created per second through the REST API (Hovor only). */
  tokensPerSec: number | null;
  tokenErrors: Record<string, number>;
  handshakesPerSec: number;
  /** Refused or failed handshakes by code (each retried). */
  handshakeErrors: Record<string, number>;
  /** The sockets the server counted once all had connected. */
  serverSawSockets: number;
  memory: { before: ServerMemory; connected: ServerMemory; afterDisconnect: ServerMemory };
  /** Growth per idle socket, in KiB: (connected − before) / sockets. */
  perSocketKib: { rss: number; heapUsed: number; external: number };
  /** The node's CPU with every socket idle (pings only). */
  idleCores: CoresUsed;
  /** This load generator's own RSS growth per socket (socket.io-client), in KiB; no collection forced. */
  generatorRssPerSocketKib: number;
}

const write = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

async function memoryOf(child: BenchChild): Promise<ServerMemory> {
  const m = (await child.ask('memory')) as ChildMemory;
  if (!m.isAfterGc) throw new Error('the server child runs without --expose-gc: its memory would be noisy');
  return {
    rssMib: round2(m.rssBytes / MIB),
    heapUsedMib: round2(m.heapUsedBytes / MIB),
    externalMib: round2(m.externalBytes / MIB),
  };
}

/** The code of a refused handshake (`err.data.code`), or the client's own error message. */
function handshakeCode(error: unknown): string {
  const data = (error as { data?: { code?: string } }).data;
  return data?.code ?? (error instanceof Error ? `client: ${error.message}` : 'client: unknown');
}

/**
 * Connects `count` sockets with `connect(index)`, HANDSHAKE_CONCURRENCY at once, retrying a failed
 * handshake a few times; resolves with the sockets, the rate, and the errors by code.
 */
async function connectAll(count: number, connect: (index: number) => Promise<VisitorSocket>) {
  const errors: string[] = [];
  const began = performance.now();
  const sockets = await inPool(count, HANDSHAKE_CONCURRENCY, async (index) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await connect(index);
      } catch (error) {
        errors.push(handshakeCode(error));
        if (attempt === 5) throw new Error(`socket ${index} could not connect: ${handshakeCode(error)}`);
        await sleep(100 * attempt);
      }
    }
  });
  const seconds = (performance.now() - began) / 1000;
  return { sockets, perSec: Math.round(count / seconds), errors: countBy(errors) };
}

/** Connects, idles and disconnects `count` sockets to `child`, measuring its memory and CPU around. */
async function measure(
  system: SystemResult['system'],
  child: BenchChild,
  database: DatabaseService | null,
  count: number,
  connect: (index: number) => Promise<VisitorSocket>,
  tokens: { perSec: number; errors: Record<string, number> } | null,
): Promise<SystemResult> {
  const before = await memoryOf(child);
  const generatorBefore = process.memoryUsage().rss;
  const connected = await connectAll(count, connect);
  try {
    const serverSawSockets = (await waitForVisitorSockets(child, count, SETTLE_TIMEOUT_MS)).visitors;
    const generatorRss = process.memoryUsage().rss - generatorBefore;
    const cpu = startCpuWindow({ servers: [child.pid], database: database?.pid ?? null });
    await sleep(IDLE_MS);
    const idleCores = cpu.end();
    const after = await memoryOf(child);
    for (const socket of connected.sockets) socket.disconnect();
    await waitForVisitorSockets(child, 0, SETTLE_TIMEOUT_MS);
    const afterDisconnect = await memoryOf(child);
    const perSocket = (grown: number) => round1((grown * MIB) / KIB / count);
    const result: SystemResult = {
      system,
      sockets: count,
      tokensPerSec: tokens?.perSec ?? null,
      tokenErrors: tokens?.errors ?? {},
      handshakesPerSec: connected.perSec,
      handshakeErrors: connected.errors,
      serverSawSockets,
      memory: { before, connected: after, afterDisconnect },
      perSocketKib: {
        rss: perSocket(after.rssMib - before.rssMib),
        heapUsed: perSocket(after.heapUsedMib - before.heapUsedMib),
        external: perSocket(after.externalMib - before.externalMib),
      },
      idleCores,
      generatorRssPerSocketKib: round1(generatorRss / KIB / count),
    };
    write(
      `  ${system}: ${tokens ? `${tokens.perSec} tokens/s, ` : ''}${connected.perSec} handshakes/s, ` +
        `server saw ${serverSawSockets}/${count}; per idle socket RSS ${result.perSocketKib.rss} KiB, heap ` +
        `${result.perSocketKib.heapUsed} KiB; idle: server ${idleCores.server} cores, other processes ${idleCores.others}; ` +
        `heap ${before.heapUsedMib} → ${after.heapUsedMib} MiB connected → ${afterDisconnect.heapUsedMib} MiB all gone`,
    );
    return result;
  } finally {
    for (const socket of connected.sockets) socket.disconnect();
  }
}

async function measureHovor(database: DatabaseService, count: number): Promise<SystemResult> {
  write(`Hovor: ${count} visitors, own process, relaxed rate limits`);
  const hovor = await startHovorNodes(database, { nodeArgs: ['--expose-gc'] });
  try {
    const node = hovor.nodes[0]!;
    const tokenErrors: string[] = [];
    const began = performance.now();
    const tokens = await inPool(count, TOKEN_CONCURRENCY, async (index) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await hovor.seeder.visitorToken(index);
        } catch (error) {
          tokenErrors.push(error instanceof Error ? error.message : String(error));
          if (attempt === 5) throw error;
          await sleep(100 * attempt);
        }
      }
    });
    const perSec = Math.round(count / ((performance.now() - began) / 1000));
    const connect = (index: number) => hovor.seeder.connectVisitor(index, tokens[index]!);
    return await measure('Hovor', node, database, count, connect, { perSec, errors: countBy(tokenErrors) });
  } finally {
    await hovor.close();
  }
}

async function measureRelay(count: number): Promise<SystemResult> {
  write(`relay: ${count} sockets, own process`);
  const relay = await startBenchChild('relay.ts', { nodeArgs: ['--expose-gc'] });
  try {
    const url = `http://127.0.0.1:${relay.port}${VISITOR_NAMESPACE}`;
    const connect = (index: number) =>
      connectSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>(url, {
        auth: { v: PROTOCOL_VERSION, pair: String(index) },
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
    return await measure('relay', relay, null, count, connect, null);
  } finally {
    await relay.stop();
  }
}

/** How many sockets the open-files limits allow: each side holds one file per socket. */
function socketsAllowed(): { count: number; limits: { generator: number | null; server: number | null } } {
  // A child inherits this process's limit.
  const limit = openFilesLimit();
  const room = limit === null ? Number.POSITIVE_INFINITY : limit - openFiles() - OTHER_FILES;
  return { count: Math.min(WANTED_SOCKETS, room), limits: { generator: limit, server: limit } };
}

async function main(): Promise<number> {
  const began = performance.now();
  const allowed = socketsAllowed();
  if (allowed.count < WANTED_SOCKETS) {
    write(
      `the open-files limit (ulimit -n ${allowed.limits.generator}) holds ${allowed.count} sockets, ` +
        `not ${WANTED_SOCKETS}: raise it (ulimit -n) before the bench for the full count`,
    );
  }
  const database = await startDatabase();
  let results: SystemResult[];
  try {
    results = [await measureHovor(database, allowed.count), await measureRelay(allowed.count)];
  } finally {
    await database.stop();
  }
  write(`\n${resultTable(results)}`);
  const info = machine();
  write(
    `${info.cpu}, ${info.cores} cores, Node ${info.node}; took ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
  if (!SMOKE && CUSTOM_COUNT === null) {
    const report = {
      ...resultHeader('idle-sockets'),
      setup: {
        wantedSockets: WANTED_SOCKETS,
        openFilesLimit: allowed.limits,
        tokenConcurrency: TOKEN_CONCURRENCY,
        handshakeConcurrency: HANDSHAKE_CONCURRENCY,
        idleMs: IDLE_MS,
        memory: 'process.memoryUsage() in the server process after global.gc() (node --expose-gc)',
        transport: 'WebSocket only, one connection per visitor (forceNew), all from 127.0.0.1',
      },
      results,
    };
    mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, toFormattedJson(report));
    write(`results: bench/results/${path.basename(RESULTS_FILE)}`);
  }
  const short = results.filter((r) => r.serverSawSockets !== r.sockets);
  for (const r of short) write(`FAIL: ${r.system} counted ${r.serverSawSockets} of ${r.sockets} sockets`);
  return short.length > 0 ? 1 : 0;
}

function resultTable(results: readonly SystemResult[]): string {
  return formatTable(
    [
      'system',
      'sockets',
      'tokens/s',
      'handshakes/s',
      'errors',
      'RSS before MiB',
      'RSS connected MiB',
      'RSS KiB/socket',
      'heap KiB/socket',
      'idle server cores',
      'other cores',
    ],
    results.map((r) => [
      r.system,
      String(r.sockets),
      r.tokensPerSec === null ? '-' : String(r.tokensPerSec),
      String(r.handshakesPerSec),
      JSON.stringify({ ...r.tokenErrors, ...r.handshakeErrors }),
      r.memory.before.rssMib.toFixed(1),
      r.memory.connected.rssMib.toFixed(1),
      r.perSocketKib.rss.toFixed(1),
      r.perSocketKib.heapUsed.toFixed(1),
      r.idleCores.server.toFixed(2),
      r.idleCores.others.toFixed(2),
    ]),
  );
}

runBench(main);
