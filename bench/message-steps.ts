import { performance } from 'node:perf_hooks';
import type { Target } from './message-targets.js';
import type { OpenLoop, SendRecord } from './open-loop.js';
import { cpuSeconds, machineBusySeconds, rssBytes } from './proc.js';
import { type Percentiles, percentiles } from './stats.js';

/**
 * One step of the messages bench: a warm-up and a measured window at one offered rate, then a
 * drain until every message is answered, and a pause until the server and its database are quiet
 * again, so that no step pays for the one before it.
 */

export interface StepPlan {
  phase: string;
  ratePerSec: number;
  warmUpMs: number;
  measureMs: number;
}

export interface StepResult {
  phase: string;
  offeredPerSec: number;
  /** What the generator really sent per second in the window (below offered: it could not keep up). */
  sentPerSec: number;
  /** OK acks that arrived in the window, per second. */
  goodputPerSec: number;
  /** Messages sent in the window, and what became of them. */
  sent: number;
  ok: number;
  /** Error acks by code, with the retry-after range they carried. */
  errors: Record<string, { count: number; retryAfterMs: { min: number; max: number } | null }>;
  unacked: number;
  /** From send to ack, of every answered message (ok or error). */
  ackMs: Percentiles;
  /** From send to an OK ack, p99. */
  okAckP99Ms: number | null;
  /** From send to an error ack, p99: how fast a refusal came. */
  errorAckP99Ms: number | null;
  /** From send to the paired agent's `message:created`, of the delivered messages. */
  deliveryMs: Percentiles;
  /** OK-acked messages no agent received by the end of the drain. */
  undelivered: number;
  /** Messages an agent received more than once, or an agent that was not the pair's received. */
  duplicateDeliveries: number;
  misrouted: number;
  /** Refused (error ack) or unanswered, yet delivered to the agent: work done after all. */
  deliveredWithoutOk: number;
  /** CPU per OK ack in the window, in ms; null without OK acks or without that process. */
  cpuMsPerMessage: { server: number | null; database: number | null; generator: number | null };
  /** The same without what server and database use at rest (the sweeper, leases): the messages' own cost. */
  cpuMsPerMessageAboveIdle: { server: number | null; database: number | null };
  /**
   * Cores busy on average in the window; `others`: every other process of the machine (a test run
   * beside the bench skews its figures: this shows it).
   */
  cores: { server: number; database: number | null; generator: number; others: number };
  serverRssMb: number;
  databaseRssMb: number | null;
  /** How long answers kept coming after the window, and how long the server then stayed busy. */
  drainMs: number;
  quietAfterMs: number;
  /** Events besides the message itself that the agents' sockets received, per message sent (e.g. `conversation:updated` to every agent of the site). */
  otherAgentEventsPerMessage: number;
  disconnects: number;
}

/** Longest wait for the answers after a window: above Hovor's command deadline (8 s). */
const DRAIN_TIMEOUT_MS = 12_000;
/** The server and its database count as quiet below this share of one core… */
const QUIET_CORES = 0.15;
/** …measured over this long, waiting at most QUIET_TIMEOUT_MS. */
const QUIET_SAMPLE_MS = 300;
const QUIET_TIMEOUT_MS = 20_000;
const MB = 1024 * 1024;

interface Snapshot {
  at: number;
  server: number;
  database: number | null;
  generator: number;
  machine: number;
  otherAgentEvents: number;
  disconnects: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const roundPercentiles = (p: Percentiles): Percentiles => ({
  p50: round1(p.p50),
  p95: round1(p.p95),
  p99: round1(p.p99),
  max: round1(p.max),
});

function generatorCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function snapshot(target: Target, load: OpenLoop): Snapshot {
  return {
    at: performance.now(),
    server: cpuSeconds(target.serverPid),
    database: target.databasePid === null ? null : cpuSeconds(target.databasePid),
    generator: generatorCpuSeconds(),
    machine: machineBusySeconds(),
    otherAgentEvents: load.otherAgentEvents(),
    disconnects: load.disconnects(),
  };
}

/** Cores the server and the database use at rest. */
export interface IdleCores {
  server: number;
  database: number | null;
}

/** Measures the server's and the database's CPU over `durationMs` with no load. */
export async function measureIdle(target: Target, durationMs: number): Promise<IdleCores> {
  const read = () => ({
    server: cpuSeconds(target.serverPid),
    database: target.databasePid === null ? null : cpuSeconds(target.databasePid),
  });
  const before = read();
  await sleep(durationMs);
  const after = read();
  const seconds = durationMs / 1000;
  return {
    server: round3((after.server - before.server) / seconds),
    database:
      after.database === null || before.database === null
        ? null
        : round3((after.database - before.database) / seconds),
  };
}

/** Waits until the server and database use less than QUIET_CORES together; returns the wait. */
async function waitUntilQuiet(target: Target): Promise<number> {
  const began = performance.now();
  const busy = () =>
    cpuSeconds(target.serverPid) + (target.databasePid === null ? 0 : cpuSeconds(target.databasePid));
  while (performance.now() - began < QUIET_TIMEOUT_MS) {
    const before = busy();
    await sleep(QUIET_SAMPLE_MS);
    if (busy() - before < (QUIET_CORES * QUIET_SAMPLE_MS) / 1000) break;
  }
  return performance.now() - began;
}

/**
 * Runs one step on `target` and summarises the messages sent in its measured window; `idle` is
 * what server and database use at rest, taken off in `cpuMsPerMessageAboveIdle`.
 */
export async function runStep(
  target: Target,
  load: OpenLoop,
  plan: StepPlan,
  idle: IdleCores,
): Promise<StepResult> {
  const startAt = performance.now();
  const windowStart = startAt + plan.warmUpMs;
  const windowEnd = windowStart + plan.measureMs;
  const sending = load.send(plan.phase, plan.ratePerSec, startAt, plan.warmUpMs + plan.measureMs);
  await sleep(windowStart - performance.now());
  const before = snapshot(target, load);
  await sleep(windowEnd - performance.now());
  const after = snapshot(target, load);
  const memory = {
    server: rssBytes(target.serverPid),
    database: target.databasePid === null ? null : rssBytes(target.databasePid),
  };
  const sent = await sending;
  const drainMs = await load.drain(sent, DRAIN_TIMEOUT_MS);
  const quietAfterMs = await waitUntilQuiet(target);
  const inWindow = sent.filter((r) => r.sentAt >= before.at && r.sentAt < after.at);
  return {
    phase: plan.phase,
    offeredPerSec: plan.ratePerSec,
    ...summarise(inWindow, sent, before, after, idle),
    serverRssMb: round1(memory.server / MB),
    databaseRssMb: memory.database === null ? null : round1(memory.database / MB),
    drainMs: Math.round(drainMs),
    quietAfterMs: Math.round(quietAfterMs),
  };
}

function summarise(
  inWindow: readonly SendRecord[],
  allSent: readonly SendRecord[],
  before: Snapshot,
  after: Snapshot,
  idle: IdleCores,
): Omit<
  StepResult,
  'phase' | 'offeredPerSec' | 'serverRssMb' | 'databaseRssMb' | 'drainMs' | 'quietAfterMs'
> {
  const windowSec = (after.at - before.at) / 1000;
  const okInWindow = allSent.filter(
    (r) => r.outcome === 'OK' && r.ackAt !== null && r.ackAt >= before.at && r.ackAt < after.at,
  ).length;
  const answered = inWindow.filter((r) => r.ackAt !== null);
  const refused = answered.filter((r) => r.outcome !== 'OK');
  const delivered = inWindow.filter((r) => r.deliveredAt !== null);
  const perMessage = (seconds: number | null) =>
    seconds === null || okInWindow === 0 ? null : round3((seconds * 1000) / okInWindow);
  const cpu = {
    server: after.server - before.server,
    database: after.database === null || before.database === null ? null : after.database - before.database,
    generator: after.generator - before.generator,
  };
  const others = after.machine - before.machine - cpu.server - (cpu.database ?? 0) - cpu.generator;
  return {
    sentPerSec: Math.round(inWindow.length / windowSec),
    goodputPerSec: Math.round(okInWindow / windowSec),
    sent: inWindow.length,
    ok: answered.length - refused.length,
    errors: errorsByCode(refused),
    unacked: inWindow.length - answered.length,
    ackMs: roundPercentiles(percentiles(answered.map((r) => r.ackAt! - r.sentAt))),
    okAckP99Ms: p99Of(answered.filter((r) => r.outcome === 'OK')),
    errorAckP99Ms: p99Of(refused),
    deliveryMs: roundPercentiles(percentiles(delivered.map((r) => r.deliveredAt! - r.sentAt))),
    undelivered: inWindow.filter((r) => r.outcome === 'OK' && r.deliveredAt === null).length,
    duplicateDeliveries: inWindow.filter((r) => r.deliveries > 1).length,
    misrouted: inWindow.filter((r) => r.misrouted > 0).length,
    deliveredWithoutOk: inWindow.filter((r) => r.outcome !== 'OK' && r.deliveredAt !== null).length,
    cpuMsPerMessage: {
      server: perMessage(cpu.server),
      database: perMessage(cpu.database),
      generator: perMessage(cpu.generator),
    },
    cpuMsPerMessageAboveIdle: {
      server: perMessage(cpu.server - idle.server * windowSec),
      database: cpu.database === null ? null : perMessage(cpu.database - (idle.database ?? 0) * windowSec),
    },
    cores: {
      server: round2(cpu.server / windowSec),
      database: cpu.database === null ? null : round2(cpu.database / windowSec),
      generator: round2(cpu.generator / windowSec),
      others: round2(Math.max(0, others) / windowSec),
    },
    otherAgentEventsPerMessage:
      inWindow.length === 0
        ? 0
        : round1((after.otherAgentEvents - before.otherAgentEvents) / inWindow.length),
    disconnects: after.disconnects - before.disconnects,
  };
}

/** The p99 of send → ack of answered records; null for none. */
function p99Of(answered: readonly SendRecord[]): number | null {
  return answered.length === 0 ? null : round1(percentiles(answered.map((r) => r.ackAt! - r.sentAt)).p99);
}

function errorsByCode(refused: readonly SendRecord[]): StepResult['errors'] {
  const errors: StepResult['errors'] = {};
  for (const record of refused) {
    const entry = errors[record.outcome!] ?? { count: 0, retryAfterMs: null };
    errors[record.outcome!] = entry;
    entry.count++;
    if (record.retryAfterMs !== null) {
      const range = entry.retryAfterMs;
      entry.retryAfterMs = range
        ? { min: Math.min(range.min, record.retryAfterMs), max: Math.max(range.max, record.retryAfterMs) }
        : { min: record.retryAfterMs, max: record.retryAfterMs };
    }
  }
  return errors;
}
