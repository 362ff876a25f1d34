/**
 * "Start chat → assigned" latency: a visitor emits `conversation:start` and waits until it
 * knows it has an agent (the ack says `assigned`, or a later `conversation:updated` does).
 * 200 chats, agents free, on one node and on three nodes sharing one database and Redis;
 * chats arrive at a steady rate and in one burst.
 *
 *   pnpm bench            all scenarios; writes bench/results/routing-latency.json
 *   pnpm bench --smoke    20 chats on one node; fails when a chat is never assigned
 *   --sync-normal         the embedded database without a disk sync per commit
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startCluster, type VisitorSocket } from './cluster.js';
import { startDatabase, startRedis } from './services.js';
import { formatTable, machine, percentiles, runBench } from './stats.js';

type Arrival = 'steady' | 'burst';

interface Scenario {
  nodes: number;
  arrival: Arrival;
  chats: number;
}

interface ScenarioResult {
  scenario: string;
  nodes: number;
  arrival: Arrival;
  chats: number;
  assigned: number;
  /** Error acks of `conversation:start`, by code. */
  errors: Record<string, number>;
  /** Chats assigned while `conversation:start` ran (its ack says so), not later by the sweeper. */
  ackSaysAssigned: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Assigned chats per second, from the first start to the last assignment. */
  chatsPerSec: number;
}

interface ChatTiming {
  startedAt: number;
  /** null: never assigned within ASSIGN_TIMEOUT_MS. */
  assignedAt: number | null;
  /** The state the ack of `conversation:start` carried; null when no ack came. */
  ackState: string | null;
  /** The error code of an error ack (the chat then counts as never assigned). */
  error?: string;
}

const SMOKE = process.argv.includes('--smoke');
/** `--sync-normal`: the embedded database does not wait for the disk on each commit. */
const SYNCHRONOUS = process.argv.includes('--sync-normal') ? 'normal' : 'full';
const CHATS = SMOKE ? 20 : 200;
/** Chats started per second in the steady scenarios. */
const STEADY_RATE_PER_SEC = 20;
/** Agents online; each has room for a quarter more chats than its share, so everyone stays free. */
const AGENTS = SMOKE ? 4 : 20;
const CAPACITY = Math.ceil((CHATS * 1.25) / AGENTS);
/**
 * A chat not assigned by then counts as never assigned. The smoke run only checks that routing
 * works (the sweeper would catch a missed chat within a second); the full run waits long enough
 * that its percentiles are real ones, not a cut-off, even on the slow embedded database.
 */
const ASSIGN_TIMEOUT_MS = SMOKE ? 10_000 : 300_000;
const RESULTS_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'results',
  SYNCHRONOUS === 'normal' ? 'routing-latency-sync-normal.json' : 'routing-latency.json',
);

const SCENARIOS: Scenario[] = SMOKE
  ? [{ nodes: 1, arrival: 'steady', chats: CHATS }]
  : [
      { nodes: 1, arrival: 'steady', chats: CHATS },
      { nodes: 1, arrival: 'burst', chats: CHATS },
      { nodes: 3, arrival: 'steady', chats: CHATS },
      { nodes: 3, arrival: 'burst', chats: CHATS },
    ];
/** Unreported, before the full run: the first chats of a process pay for JIT and connection pools. */
const WARM_UP: Scenario = { nodes: 1, arrival: 'steady', chats: 20 };

const write = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const round1 = (n: number) => Math.round(n * 10) / 10;
const nameOf = (s: Scenario) => `${s.nodes} node${s.nodes === 1 ? '' : 's'}, ${s.arrival}`;

/**
 * Starts one chat; `assignedAt` is when the visitor first knows it is assigned (ack or
 * notification). Resolves once that and the ack are both in, or at the timeout.
 */
function startChat(socket: VisitorSocket): Promise<ChatTiming> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    let assignedAt: number | null = null;
    let ackState: string | null = null;
    const stop = () => {
      clearTimeout(timer);
      socket.off('conversation:updated', onUpdated);
    };
    const settleIfDone = () => {
      if (assignedAt === null || ackState === null) return;
      stop();
      resolve({ startedAt, assignedAt, ackState });
    };
    const onUpdated = (conversation: { state: string }) => {
      if (conversation.state !== 'assigned' || assignedAt !== null) return;
      assignedAt = performance.now();
      settleIfDone();
    };
    const timer = setTimeout(() => {
      stop();
      resolve({ startedAt, assignedAt, ackState });
    }, ASSIGN_TIMEOUT_MS);
    socket.on('conversation:updated', onUpdated);
    socket.emit('conversation:start', { requestId: randomUUID() }, (ack) => {
      if (!ack.ok) {
        stop();
        resolve({ startedAt, assignedAt: null, ackState: null, error: ack.error.code });
        return;
      }
      ackState = ack.data.state;
      if (ackState === 'assigned') assignedAt ??= performance.now();
      settleIfDone();
    });
  });
}

async function runScenario(scenario: Scenario, urls: { mongoUrl: string; redisUrl: string }) {
  const cluster = await startCluster({ nodeCount: scenario.nodes, ...urls });
  try {
    await cluster.onlineAgents(AGENTS, CAPACITY);
    const visitors = await cluster.visitors(scenario.chats);
    const chats: Promise<ChatTiming>[] = [];
    if (scenario.arrival === 'burst') {
      for (const visitor of visitors) chats.push(startChat(visitor));
    } else {
      const intervalMs = 1000 / STEADY_RATE_PER_SEC;
      const t0 = performance.now();
      for (const [i, visitor] of visitors.entries()) {
        await sleep(t0 + i * intervalMs - performance.now());
        chats.push(startChat(visitor));
      }
    }
    return summarize(scenario, await Promise.all(chats));
  } finally {
    await cluster.close();
  }
}

function summarize(scenario: Scenario, timings: ChatTiming[]): ScenarioResult {
  const done = timings.filter((t): t is ChatTiming & { assignedAt: number } => t.assignedAt !== null);
  const latencies = done.map((t) => t.assignedAt - t.startedAt);
  const { p50, p95, p99, max } = percentiles(latencies);
  const firstStart = Math.min(...timings.map((t) => t.startedAt));
  const lastAssigned = Math.max(...done.map((t) => t.assignedAt));
  const spanSec = done.length > 0 ? (lastAssigned - firstStart) / 1000 : 0;
  return {
    scenario: nameOf(scenario),
    nodes: scenario.nodes,
    arrival: scenario.arrival,
    chats: scenario.chats,
    assigned: done.length,
    errors: countBy(timings.flatMap((t) => (t.error ? [t.error] : []))),
    ackSaysAssigned: timings.filter((t) => t.ackState === 'assigned').length,
    p50Ms: round1(p50),
    p95Ms: round1(p95),
    p99Ms: round1(p99),
    maxMs: round1(max),
    chatsPerSec: spanSec > 0 ? round1(done.length / spanSec) : 0,
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

async function main(): Promise<number> {
  const began = performance.now();
  const [database, redis] = await Promise.all([startDatabase(SYNCHRONOUS), startRedis()]);
  const results: ScenarioResult[] = [];
  try {
    const urls = { mongoUrl: database.url, redisUrl: redis.url };
    if (!SMOKE) {
      write(`warming up (${WARM_UP.chats} chats, unreported)…`);
      await runScenario(WARM_UP, urls);
    }
    for (const scenario of SCENARIOS) {
      write(`running: ${nameOf(scenario)} (${scenario.chats} chats)…`);
      const scenarioBegan = performance.now();
      const result = await runScenario(scenario, urls);
      results.push(result);
      write(
        `  ${result.assigned}/${result.chats} assigned, p50 ${result.p50Ms} ms, ` +
          `${((performance.now() - scenarioBegan) / 1000).toFixed(1)} s with setup`,
      );
    }
  } finally {
    await Promise.all([database.stop(), redis.stop()]);
  }

  const info = machine();
  write('');
  write(
    formatTable(
      ['scenario', 'chats', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'chats/s'],
      results.map((r) => [
        r.scenario,
        r.assigned === r.chats ? String(r.chats) : `${r.assigned}/${r.chats}`,
        ...[r.p50Ms, r.p95Ms, r.p99Ms, r.maxMs, r.chatsPerSec].map((n) => n.toFixed(1)),
      ]),
    ),
  );
  write('');
  write(
    `${AGENTS} agents × capacity ${CAPACITY}; steady = ${STEADY_RATE_PER_SEC} chats/s; ` +
      `ack says assigned: ${results.map((r) => `${r.ackSaysAssigned}/${r.chats}`).join(', ')}`,
  );
  write(
    `${info.cpu}, ${info.cores} cores, Node ${info.node}; took ${((performance.now() - began) / 1000).toFixed(1)} s`,
  );

  if (!SMOKE) {
    const report = {
      benchmark: 'routing-latency',
      date: new Date().toISOString(),
      machine: info,
      database: `embedded (FerretDB with SQLite, synchronous=${SYNCHRONOUS})`,
      setup: { agents: AGENTS, capacity: CAPACITY, steadyRatePerSec: STEADY_RATE_PER_SEC },
      results,
    };
    mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
    write(`results: bench/results/${path.basename(RESULTS_FILE)}`);
  }

  for (const r of results.filter((r) => Object.keys(r.errors).length > 0)) {
    write(`${r.scenario}: conversation:start answered errors ${JSON.stringify(r.errors)}`);
  }
  const unassigned = results.reduce((sum, r) => sum + r.chats - r.assigned, 0);
  if (unassigned > 0) {
    write(`FAIL: ${unassigned} chat(s) never assigned within ${ASSIGN_TIMEOUT_MS / 1000} s`);
    return 1;
  }
  return 0;
}

runBench(main);
