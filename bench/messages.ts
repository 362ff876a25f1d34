/**
 * Message throughput: 100 visitors, each in a chat with an agent of their own, send `message:send`
 * at open-loop offered rates (10 … 8000 msg/s over all of them), against Hovor and against a bare
 * Socket.IO relay (`relay.ts`) in the same run, each server in a process of its own. Per step:
 * goodput, ack and delivery latency, error answers, CPU per message of the server and of the
 * database. Each system's knee is the highest rate still acked within 50 ms at p99
 * (`message-analysis.ts`). Then Hovor runs at 2× and 4× its knee (overload), and the database
 * is checked: every OK message stored exactly once, no refused one stored.
 *
 *   pnpm bench                  every scenario (bench/run.ts); this one writes
 *                               bench/results/messages.json and messages.svg
 *   pnpm bench --smoke          300 messages to Hovor at a low rate; exits 1 if any is not answered
 *                               OK, not stored exactly once, or not delivered exactly once
 *   --sync-normal               the embedded database without a disk sync per commit
 *   --rates 25,100              these offered rates instead of the ladder; writes no results
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { accountFor, problemsOf } from './message-accounting.js';
import {
  isGeneratorBound,
  OVERLOAD_KNEE_FACTORS,
  OVERLOAD_SATURATION_FACTOR,
  type OverloadRun,
  overloadPlans,
  overloadRun,
  RULES,
  type SystemResult,
  shouldStopClimbing,
  systemResult,
} from './message-analysis.js';
import {
  accountingLine,
  describeStep,
  overloadLine,
  stepTable,
  summaryTable,
  throughputChart,
} from './message-report.js';
import { type IdleCores, measureIdle, runStep, type StepPlan, type StepResult } from './message-steps.js';
import { startHovorTarget, startRelayTarget, type Target } from './message-targets.js';
import { createOpenLoop, MESSAGE_TEXT, type OpenLoop } from './open-loop.js';
import { type DatabaseService, startDatabase } from './services.js';
import { gitRevision, machine, resultHeader, runBench, toFormattedJson } from './stats.js';

const SMOKE = process.argv.includes('--smoke');
/** `--sync-normal`: the embedded database does not wait for the disk on each commit. */
const SYNCHRONOUS = process.argv.includes('--sync-normal') ? 'normal' : 'full';

const PAIRS = 100;
/** The offered rates stepped through, in messages per second over all visitors. */
const LADDER_PER_SEC = [10, 25, 50, 100, 250, 500, 1000, 2000, 4000, 8000];
const CUSTOM_RATES = ratesArgument(process.argv);
const RATES_PER_SEC = CUSTOM_RATES ?? LADDER_PER_SEC;
const STEP_WARM_UP_MS = 1_000;
const STEP_MEASURE_MS = 3_000;
/** A low rate is measured longer, for at least this many messages (a p99 of 30 is a max)… */
const MIN_MEASURED_MESSAGES = 100;
/** …but not longer than this. */
const MAX_STEP_MEASURE_MS = 10_000;
/** How long server and database are watched at rest, for their idle CPU. */
const IDLE_MS = 2_000;
/** Unreported, before the first step: the first messages of a process pay for JIT and pools. */
const FIRST_WARM_UP_MS = 2_000;
const OVERLOAD_WARM_UP_MS = 1_000;
const OVERLOAD_MEASURE_MS = 9_000;

const SMOKE_PAIRS = 10;
const SMOKE_RATE_PER_SEC = 60;
const SMOKE_MS = 5_000;
/** For the runs whose CPU is not reported (warm-up, smoke): nothing taken off. */
const NO_IDLE: IdleCores = { server: 0, database: 0 };

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const RESULTS_NAME = SYNCHRONOUS === 'normal' ? 'messages-sync-normal' : 'messages';

interface HovorResult {
  system: SystemResult;
  overload: OverloadRun[];
  storage: ReturnType<typeof accountFor> | null;
}

const write = (text: string) => process.stdout.write(`${text}\n`);

/** `--rates 25,100` (or `--rates=25,100`): positive numbers; null without the flag. */
function ratesArgument(args: readonly string[]): number[] | null {
  const index = args.findIndex((arg) => arg === '--rates' || arg.startsWith('--rates='));
  if (index < 0) return null;
  const flag = args[index]!;
  const value = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : (args[index + 1] ?? '');
  const rates = value.split(',').map(Number);
  if (rates.some((rate) => !(rate > 0))) {
    throw new Error(`--rates takes positive numbers separated by commas, not "${value}"`);
  }
  return rates;
}

/** Opens `start`'s target with a load generator on its pairs, runs `use`, and closes both. */
async function withTarget<T>(
  start: () => Promise<Target>,
  use: (target: Target, load: OpenLoop) => Promise<T>,
): Promise<T> {
  const target = await start();
  const load = createOpenLoop(target.pairs);
  try {
    return await use(target, load);
  } finally {
    load.dispose();
    await target.close();
  }
}

/** How long a step at `ratePerSec` is measured. */
function measureMsFor(ratePerSec: number): number {
  const forEnoughMessages = Math.ceil((MIN_MEASURED_MESSAGES / ratePerSec) * 1000);
  return Math.min(MAX_STEP_MEASURE_MS, Math.max(STEP_MEASURE_MS, forEnoughMessages));
}

async function step(target: Target, load: OpenLoop, plan: StepPlan, idle: IdleCores): Promise<StepResult> {
  const result = await runStep(target, load, plan, idle);
  write(describeStep(target.name, result, isGeneratorBound(result)));
  return result;
}

/**
 * Warms the target up, measures its idle CPU, then steps up the offered rate until latency blows
 * up, goodput stays low, or the ladder ends.
 */
async function climb(target: Target, load: OpenLoop): Promise<SystemResult> {
  const warmUp = {
    phase: 'warm-up',
    ratePerSec: RATES_PER_SEC[0]!,
    warmUpMs: 0,
    measureMs: FIRST_WARM_UP_MS,
  };
  await runStep(target, load, warmUp, NO_IDLE);
  const idle = await measureIdle(target, IDLE_MS);
  const steps: StepResult[] = [];
  for (const rate of RATES_PER_SEC) {
    const plan = {
      phase: `${rate}/s`,
      ratePerSec: rate,
      warmUpMs: STEP_WARM_UP_MS,
      measureMs: measureMsFor(rate),
    };
    steps.push(await step(target, load, plan, idle));
    if (shouldStopClimbing(steps)) break;
  }
  return systemResult(target.name, idle, steps);
}

/** Runs the target past its knee (`overloadPlans`). */
async function overload(target: Target, load: OpenLoop, system: SystemResult): Promise<OverloadRun[]> {
  const runs: OverloadRun[] = [];
  for (const plan of overloadPlans(system)) {
    const result = await step(
      target,
      load,
      {
        phase: `overload ${plan.label} (${plan.ratePerSec}/s)`,
        ratePerSec: plan.ratePerSec,
        warmUpMs: OVERLOAD_WARM_UP_MS,
        measureMs: OVERLOAD_MEASURE_MS,
      },
      system.idle,
    );
    runs.push(overloadRun(system, plan, result));
  }
  return runs;
}

async function storage(target: Target, load: OpenLoop) {
  return target.storedMessages ? accountFor(load.records.values(), await target.storedMessages()) : null;
}

function measureRelay(): Promise<SystemResult> {
  write(`relay: ${PAIRS} pairs, own process`);
  return withTarget(
    () => startRelayTarget(PAIRS),
    (target, load) => climb(target, load),
  );
}

function measureHovor(database: DatabaseService): Promise<HovorResult> {
  write(`Hovor: ${PAIRS} visitor/agent pairs, own process, relaxed rate limits`);
  return withTarget(
    () => startHovorTarget(PAIRS, database),
    async (target, load) => {
      const system = await climb(target, load);
      const runs = await overload(target, load, system);
      return { system, overload: runs, storage: await storage(target, load) };
    },
  );
}

async function smoke(database: DatabaseService): Promise<number> {
  write(`smoke: ${SMOKE_PAIRS} pairs, ${(SMOKE_RATE_PER_SEC * SMOKE_MS) / 1000} messages to Hovor…`);
  return withTarget(
    () => startHovorTarget(SMOKE_PAIRS, database),
    async (target, load) => {
      const plan = { phase: 'smoke', ratePerSec: SMOKE_RATE_PER_SEC, warmUpMs: 0, measureMs: SMOKE_MS };
      await step(target, load, plan, NO_IDLE);
      const accounting = (await storage(target, load))!;
      const problems = problemsOf(accounting.total, { isStorageChecked: true });
      if (accounting.storedUnknown > 0)
        problems.push(`${accounting.storedUnknown} stored message(s) never sent`);
      write(accountingLine('smoke', accounting.total));
      for (const problem of problems) write(`FAIL: ${problem}`);
      return problems.length > 0 ? 1 : 0;
    },
  );
}

function printReport(systems: readonly SystemResult[], hovor: HovorResult, kneePct: number | null): void {
  for (const system of systems) write(`\n${system.name}\n${stepTable(system)}`);
  write(`\n${summaryTable(systems)}`);
  write(`Hovor's knee: ${kneePct === null ? '-' : `${kneePct} %`} of the relay's`);
  for (const run of hovor.overload) write(overloadLine(run));
  if (hovor.storage) {
    write('stored messages (Hovor):');
    write(accountingLine('all phases', hovor.storage.total));
    for (const [phase, a] of Object.entries(hovor.storage.byPhase)) write(accountingLine(phase, a));
  }
}

function writeResults(systems: readonly SystemResult[], hovor: HovorResult, kneePct: number | null): void {
  const date = new Date().toISOString();
  const revision = gitRevision();
  const info = machine();
  const report = {
    ...resultHeader('messages', SYNCHRONOUS),
    setup: {
      pairs: PAIRS,
      ratesPerSec: RATES_PER_SEC,
      stepWarmUpMs: STEP_WARM_UP_MS,
      stepMeasureMs: `${STEP_MEASURE_MS}, or up to ${MAX_STEP_MEASURE_MS} for at least ${MIN_MEASURED_MESSAGES} messages`,
      idleMs: IDLE_MS,
      messageChars: MESSAGE_TEXT.length,
      rules: RULES,
      overload: {
        kneeFactors: OVERLOAD_KNEE_FACTORS,
        saturationFactor: OVERLOAD_SATURATION_FACTOR,
        warmUpMs: OVERLOAD_WARM_UP_MS,
        measureMs: OVERLOAD_MEASURE_MS,
      },
      hovor:
        'own process (bench/hovor-node.ts: src/main.ts wiring, relaxed rate limits, database pool of 16); ' +
        'agents of capacity 1, one chat each',
      relay:
        'own process (bench/relay.ts): acks at once, message:created to the paired agent; no auth, validation or storage',
    },
    systems,
    hovorKneePctOfRelay: kneePct,
    overload: hovor.overload,
    storage: hovor.storage,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${RESULTS_NAME}.json`), toFormattedJson(report));
  const subtitle =
    `${date.slice(0, 10)} · ${revision.commit}${revision.diffHash ? ` + changes ${revision.diffHash}` : ''} · ${PAIRS} visitor/agent pairs · ` +
    `${info.cpu}, ${info.cores} cores · Node ${info.node} · database synchronous=${SYNCHRONOUS}`;
  writeFileSync(
    path.join(RESULTS_DIR, `${RESULTS_NAME}.svg`),
    throughputChart(systems, RATES_PER_SEC, subtitle),
  );
  write(`results: bench/results/${RESULTS_NAME}.json and .svg`);
}

async function fullRun(database: DatabaseService): Promise<number> {
  const began = performance.now();
  const revision = gitRevision();
  write(`code: ${revision.commit}${revision.diffHash ? ` + uncommitted changes ${revision.diffHash}` : ''}`);
  const relay = await measureRelay();
  const hovor = await measureHovor(database);
  const systems = [hovor.system, relay];
  const kneePct =
    hovor.system.knee && relay.knee
      ? Math.round((hovor.system.knee.ratePerSec / relay.knee.ratePerSec) * 100)
      : null;
  printReport(systems, hovor, kneePct);
  const info = machine();
  write(
    `${info.cpu}, ${info.cores} cores, Node ${info.node}; took ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
  if (!CUSTOM_RATES) writeResults(systems, hovor, kneePct);
  return 0;
}

async function main(): Promise<number> {
  const database = await startDatabase(SYNCHRONOUS);
  try {
    return SMOKE ? await smoke(database) : await fullRun(database);
  } finally {
    await database.stop();
  }
}

runBench(main);
