/**
 * Chat starts: "start chat → assigned" as a visitor sees it, from emitting `conversation:start`
 * until the ack says `assigned` or a later `conversation:updated` does. Hovor runs in a process of
 * its own (`hovor-node.ts`), with agents online who have room for every chat; visitors start
 * chats open loop (each start on schedule, whatever the earlier ones got) at a steady 20, 50, 100
 * and 200 chats/s, about 1,000 chats each (at most 20 s of arrivals), and 500 at once; then three
 * nodes sharing the database and Redis at 20/s. A refused start is retried like the widget does
 * (same requestId, the protocol's backoff, never before `retryAfterMs`); a chat not assigned
 * within 30 s of its start counts as never assigned. Each run gets fresh nodes and a fresh
 * database, and an unreported warm-up of 20 chats.
 *
 *   pnpm bench --only chat-starts            writes bench/results/chat-starts.json and .svg
 *   pnpm bench --only chat-starts --smoke    20 chats at 20/s on one node; fails if one is never assigned
 *   --sync-normal                            the embedded database without a disk sync per commit
 *   --run 200/s                              only the runs whose name contains this; writes nothing
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type ChatRecord, type RunResult, summarize } from './chat-start-analysis.js';
import { chatStartsChart, describeRun, runTable } from './chat-start-report.js';
import { startCpuWindow } from './cpu-window.js';
import { startHovorNodes } from './hovor-nodes.js';
import type { VisitorSocket } from './seed.js';
import { type DatabaseService, type Service, startDatabase, startRedis } from './services.js';
import { startChat } from './start-chat.js';
import { flagValue, gitRevision, machine, resultHeader, runBench, toFormattedJson } from './stats.js';

interface RunPlan {
  name: string;
  nodes: number;
  /** Chats per second; null: all at once. */
  offeredPerSec: number | null;
  chats: number;
}

const SMOKE = process.argv.includes('--smoke');
/** `--sync-normal`: the embedded database does not wait for the disk on each commit. */
const SYNCHRONOUS = process.argv.includes('--sync-normal') ? 'normal' : 'full';

const STEADY_RATES_PER_SEC = [20, 50, 100, 200];
const CHATS_PER_RATE = 1_000;
/** A rate gets fewer chats when CHATS_PER_RATE would take longer than this to arrive. */
const MAX_ARRIVAL_MS = 20_000;
const BURST_CHATS = 500;
const MULTI_NODE_COUNT = 3;
/** The rate one node keeps up with on the reference machine, so the nodes' own cost shows. */
const MULTI_NODE_RATE_PER_SEC = 20;
/** A chat not assigned by then (from its first start) counts as never assigned. */
const ASSIGN_TIMEOUT_MS = 30_000;
/** Agents online; together they have room for a quarter more than the run's chats. */
const AGENTS = SMOKE ? 4 : 50;
/** Unreported, before each run: the first chats of a process pay for JIT and connection pools. */
const WARM_UP_CHATS = SMOKE ? 0 : 20;
const WARM_UP_RATE_PER_SEC = 20;
/** The send loop wakes this often and starts what has come due since. */
const TICK_MS = 1;

/** `--run <text>`: only the runs whose name contains it. */
const RUN_FILTER = flagValue(process.argv, 'run');

const chatsAt = (ratePerSec: number) => Math.min(CHATS_PER_RATE, (ratePerSec * MAX_ARRIVAL_MS) / 1000);
const ALL_PLANS: RunPlan[] = SMOKE
  ? [{ name: '1 node, 20/s', nodes: 1, offeredPerSec: 20, chats: 20 }]
  : [
      ...STEADY_RATES_PER_SEC.map((rate) => ({
        name: `1 node, ${rate}/s`,
        nodes: 1,
        offeredPerSec: rate,
        chats: chatsAt(rate),
      })),
      { name: `1 node, ${BURST_CHATS} at once`, nodes: 1, offeredPerSec: null, chats: BURST_CHATS },
      {
        name: `${MULTI_NODE_COUNT} nodes, ${MULTI_NODE_RATE_PER_SEC}/s`,
        nodes: MULTI_NODE_COUNT,
        offeredPerSec: MULTI_NODE_RATE_PER_SEC,
        chats: chatsAt(MULTI_NODE_RATE_PER_SEC),
      },
    ];

const PLANS = ALL_PLANS.filter((plan) => RUN_FILTER === null || plan.name.includes(RUN_FILTER));

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const RESULTS_NAME = SYNCHRONOUS === 'normal' ? 'chat-starts-sync-normal' : 'chat-starts';

const write = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const capacityFor = (chats: number) => Math.ceil(((chats + WARM_UP_CHATS) * 1.25) / AGENTS);

/** Starts one chat per visitor at `ratePerSec` (open loop), or all at once for null. */
async function arrive(visitors: readonly VisitorSocket[], ratePerSec: number | null): Promise<ChatRecord[]> {
  const t0 = performance.now();
  const chats: Promise<ChatRecord>[] = [];
  if (ratePerSec === null) {
    for (const visitor of visitors) chats.push(startChat(visitor, t0, ASSIGN_TIMEOUT_MS));
    return Promise.all(chats);
  }
  const intervalMs = 1000 / ratePerSec;
  while (chats.length < visitors.length) {
    // Open loop: what is due by now starts now, however late the loop woke.
    const due = Math.min(visitors.length, Math.floor((performance.now() - t0) / intervalMs) + 1);
    while (chats.length < due) {
      chats.push(startChat(visitors[chats.length]!, t0 + chats.length * intervalMs, ASSIGN_TIMEOUT_MS));
    }
    if (chats.length < visitors.length) await sleep(TICK_MS);
  }
  return Promise.all(chats);
}

async function run(plan: RunPlan, database: DatabaseService, redis: Service | null): Promise<RunResult> {
  const began = performance.now();
  const hovor = await startHovorNodes(database, {
    nodeCount: plan.nodes,
    ...(plan.nodes > 1 && redis ? { redisUrl: redis.url } : {}),
  });
  try {
    await hovor.seeder.onlineAgents(AGENTS, capacityFor(plan.chats));
    const visitors = await hovor.seeder.visitors(WARM_UP_CHATS + plan.chats);
    if (WARM_UP_CHATS > 0) await arrive(visitors.slice(0, WARM_UP_CHATS), WARM_UP_RATE_PER_SEC);
    const setupSec = (performance.now() - began) / 1000;
    const cpu = startCpuWindow({ servers: hovor.nodes.map((node) => node.pid), database: database.pid });
    const chats = await arrive(visitors.slice(WARM_UP_CHATS), plan.offeredPerSec);
    const cores = cpu.end();
    const waitEndAt = Math.max(...chats.map((c) => c.startedAt)) + ASSIGN_TIMEOUT_MS;
    const result = summarize(plan, chats, waitEndAt, cores);
    write(describeRun(result, setupSec));
    return result;
  } finally {
    await hovor.close();
  }
}

function writeResults(results: readonly RunResult[]): void {
  const date = new Date().toISOString();
  const revision = gitRevision();
  const info = machine();
  const report = {
    ...resultHeader('chat-starts', SYNCHRONOUS),
    setup: {
      agents: AGENTS,
      capacity: 'room for 1.25 × (the run’s chats + warm-up), shared evenly',
      chatsPerRate: CHATS_PER_RATE,
      maxArrivalMs: MAX_ARRIVAL_MS,
      burstChats: BURST_CHATS,
      assignTimeoutMs: ASSIGN_TIMEOUT_MS,
      warmUpChats: WARM_UP_CHATS,
      retries: 'retryable errors retried like the widget: same requestId, protocol backoff, ≥ retryAfterMs',
      hovor:
        'own process per run (bench/hovor-node.ts: src/main.ts wiring, relaxed rate limits), fresh database; ' +
        'the multi-node run: each node its own process, one database, events through Redis',
    },
    results,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${RESULTS_NAME}.json`), toFormattedJson(report));
  const subtitle =
    `${date.slice(0, 10)} · ${revision.commit}${revision.diffHash ? ` + changes ${revision.diffHash}` : ''} · ` +
    `${AGENTS} agents · ${info.cpu}, ${info.cores} cores · Node ${info.node} · database synchronous=${SYNCHRONOUS}`;
  writeFileSync(
    path.join(RESULTS_DIR, `${RESULTS_NAME}.svg`),
    chatStartsChart(results, subtitle, ASSIGN_TIMEOUT_MS),
  );
  write(`results: bench/results/${RESULTS_NAME}.json and .svg`);
}

async function main(): Promise<number> {
  const began = performance.now();
  const needsRedis = PLANS.some((plan) => plan.nodes > 1);
  const [database, redis] = await Promise.all([
    startDatabase(SYNCHRONOUS),
    needsRedis ? startRedis() : Promise.resolve(null),
  ]);
  const results: RunResult[] = [];
  try {
    for (const plan of PLANS) {
      write(`running: ${plan.name} (${plan.chats} chats, ${AGENTS} agents × ${capacityFor(plan.chats)})…`);
      results.push(await run(plan, database, redis));
    }
  } finally {
    await Promise.all([database.stop(), redis?.stop()]);
  }
  write(`\n${runTable(results)}`);
  const info = machine();
  write(
    `${info.cpu}, ${info.cores} cores, Node ${info.node}; took ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
  if (!SMOKE && RUN_FILTER === null) writeResults(results);
  const never = results.reduce((sum, r) => sum + r.neverAssigned, 0);
  if (SMOKE && never > 0) {
    write(`FAIL: ${never} chat(s) never assigned within ${ASSIGN_TIMEOUT_MS / 1000} s`);
    return 1;
  }
  return 0;
}

runBench(main);
