import type { IdleCores, StepResult } from './message-steps.js';

/**
 * How the messages bench judges its steps: which rate is a system's knee, when the climb stops,
 * when the load generator rather than the server was the limit, and what the overload runs
 * multiply.
 */

/** The knee: the highest rate whose acks' p99 stays under this, every message answered OK. */
export const KNEE_ACK_P99_MS = 50;
/** The climb ends at a step with an ack p99 past this or messages never answered… */
const COLLAPSE_ACK_P99_MS = 2_000;
/** …or at the LOW_GOODPUT_STEPS_TO_STOP-th step in a row with goodput below this share of offered. */
const LOW_GOODPUT_SHARE = 0.5;
const LOW_GOODPUT_STEPS_TO_STOP = 2;
/** Sending less than this share of the offered rate, or busy past this many cores, the generator is the limit. */
const GENERATOR_MIN_SENT_SHARE = 0.95;
const GENERATOR_MAX_CORES = 0.9;

export const RULES = {
  knee: `highest offered rate with ack p99 < ${KNEE_ACK_P99_MS} ms, every message answered OK, the generator keeping up`,
  stop:
    `at a step with ack p99 > ${COLLAPSE_ACK_P99_MS} ms or unanswered messages, or the ` +
    `${LOW_GOODPUT_STEPS_TO_STOP}nd in a row with goodput < ${LOW_GOODPUT_SHARE * 100} % of offered`,
  sustained: 'highest offered rate with every message answered OK (however slowly), the generator keeping up',
  overloadWithoutKnee:
    'without a knee, the overload runs multiply the sustained rate: the highest rate with every message answered OK',
  generatorBound: `sent < ${GENERATOR_MIN_SENT_SHARE * 100} % of offered, or the generator busy > ${GENERATOR_MAX_CORES} cores`,
};

export interface Knee {
  ratePerSec: number;
  /** What kept the next rate from being a knee too: the system, the generator, or the ladder's end. */
  limitedBy: 'system' | 'generator' | 'top rate';
  step: StepResult;
}

export interface SystemResult {
  name: string;
  /** CPU cores the server and the database use at rest. */
  idle: IdleCores;
  steps: StepResult[];
  knee: Knee | null;
  /** The highest rate with every message answered OK (however slowly), the generator keeping up. */
  sustained: StepResult | null;
  /** The most OK acks per second any step got. */
  saturationPerSec: number;
}

/** One overload run: a rate past the knee, and what it is a multiple of. */
export interface OverloadPlan {
  label: string;
  ratePerSec: number;
}

export interface OverloadRun extends OverloadPlan {
  step: StepResult;
  /** Goodput as a share of the knee step's goodput (null without a knee) and of the saturation. */
  goodputPctOfKnee: number | null;
  goodputPctOfSaturation: number;
}

/** The overload runs: these multiples of the knee… */
export const OVERLOAD_KNEE_FACTORS = [2, 4];
/** …and this multiple of the saturation (the most goodput seen), past what the system sustains at all. */
export const OVERLOAD_SATURATION_FACTOR = 2;

export const isGeneratorBound = (step: StepResult) =>
  step.sentPerSec < step.offeredPerSec * GENERATOR_MIN_SENT_SHARE ||
  step.cores.generator > GENERATOR_MAX_CORES;

const isAnsweredInFull = (step: StepResult) =>
  step.sent > 0 && step.ok === step.sent && !isGeneratorBound(step);

const isWithinKnee = (step: StepResult) => isAnsweredInFull(step) && step.ackMs.p99 < KNEE_ACK_P99_MS;

/**
 * Whether the climb should stop after `steps` (the last is the newest): latency blew up, or
 * goodput stayed low for LOW_GOODPUT_STEPS_TO_STOP steps.
 */
export function shouldStopClimbing(steps: readonly StepResult[]): boolean {
  const last = steps.at(-1);
  if (!last) return false;
  if (last.ackMs.p99 > COLLAPSE_ACK_P99_MS || last.unacked > 0) return true;
  const recent = steps.slice(-LOW_GOODPUT_STEPS_TO_STOP);
  return (
    recent.length === LOW_GOODPUT_STEPS_TO_STOP &&
    recent.every((step) => step.goodputPerSec < step.offeredPerSec * LOW_GOODPUT_SHARE)
  );
}

function kneeOf(steps: readonly StepResult[]): Knee | null {
  const index = steps.findLastIndex(isWithinKnee);
  if (index < 0) return null;
  const next = steps[index + 1];
  const limitedBy = next === undefined ? 'top rate' : isGeneratorBound(next) ? 'generator' : 'system';
  return { ratePerSec: steps[index]!.offeredPerSec, limitedBy, step: steps[index]! };
}

export function systemResult(name: string, idle: IdleCores, steps: StepResult[]): SystemResult {
  return {
    name,
    idle,
    steps,
    knee: kneeOf(steps),
    sustained: steps.findLast(isAnsweredInFull) ?? null,
    saturationPerSec: Math.max(0, ...steps.map((step) => step.goodputPerSec)),
  };
}

/**
 * The overload runs: OVERLOAD_KNEE_FACTORS times the knee (without a knee, times the highest rate
 * answered in full, or else the lowest rate), then OVERLOAD_SATURATION_FACTOR times the saturation
 * when that is higher still, so that one run is past what the system sustains whatever its knee.
 */
export function overloadPlans(system: SystemResult): OverloadPlan[] {
  const [baseRate, baseName] = system.knee
    ? [system.knee.ratePerSec, 'knee']
    : system.sustained
      ? [system.sustained.offeredPerSec, 'sustained rate (no knee)']
      : [system.steps[0]?.offeredPerSec ?? 0, 'lowest rate (no knee)'];
  if (baseRate === 0) return [];
  const plans = OVERLOAD_KNEE_FACTORS.map((f) => ({ label: `${f}x ${baseName}`, ratePerSec: f * baseRate }));
  const pastSaturation = OVERLOAD_SATURATION_FACTOR * system.saturationPerSec;
  if (pastSaturation > Math.max(...plans.map((p) => p.ratePerSec))) {
    plans.push({ label: `${OVERLOAD_SATURATION_FACTOR}x saturation`, ratePerSec: pastSaturation });
  }
  return plans;
}

/** What an overload run got, against the knee's goodput and the saturation. */
export function overloadRun(system: SystemResult, plan: OverloadPlan, step: StepResult): OverloadRun {
  const pct = (part: number, whole: number) => Math.round((part / Math.max(1, whole)) * 100);
  return {
    ...plan,
    step,
    goodputPctOfKnee: system.knee ? pct(step.goodputPerSec, system.knee.step.goodputPerSec) : null,
    goodputPctOfSaturation: pct(step.goodputPerSec, system.saturationPerSec),
  };
}
