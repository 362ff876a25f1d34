import { type Ack, RETRYABLE_CODES, retryDelayMs } from '../packages/protocol/src/index.js';

/**
 * A command sent the way the widget sends it (`packages/widget/src/app/retry.ts`): a retryable
 * error answer (or no answer) is retried under the same id after the protocol's jittered backoff,
 * never sooner than the `retryAfterMs` the server asked for; other errors end it.
 */

/** What one attempt of a command got: an ack, or nothing within the attempt's timeout. */
export type Attempt<T> = Ack<T> | 'no answer';

export interface RetryOutcome<T> {
  /** The last answer: OK, a final error, or the last retryable one when time ran out. */
  last: Attempt<T>;
  attempts: number;
}

/**
 * An error answer as the benches count it: its code, `+retryAfter` when it carried a
 * `retryAfterMs` (an UNAVAILABLE from admission control has one, one from the command deadline
 * none), or NO_ANSWER for an attempt that got no answer in time.
 */
export function errorLabel(answer: Attempt<unknown>): string {
  if (answer === 'no answer') return 'NO_ANSWER';
  if (answer.ok) return 'OK';
  return answer.error.retryAfterMs === undefined ? answer.error.code : `${answer.error.code}+retryAfter`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Sends `attempt` until it is answered OK or with a final error, or until `giveUpAt` (performance.now()). */
export async function withRetry<T>(
  attempt: () => Promise<Attempt<T>>,
  options: {
    giveUpAt: number;
    now: () => number;
    /** Told every error answer as it comes (see `errorLabel`). */
    onError?: (label: string) => void;
  },
): Promise<RetryOutcome<T>> {
  for (let attempts = 1; ; attempts++) {
    const last = await attempt();
    if (last !== 'no answer' && last.ok) return { last, attempts };
    options.onError?.(errorLabel(last));
    if (last !== 'no answer' && !RETRYABLE_CODES.includes(last.error.code)) return { last, attempts };
    const retryAfterMs = last === 'no answer' ? 0 : (last.error.retryAfterMs ?? 0);
    const wait = retryDelayMs(attempts, Math.random, retryAfterMs);
    if (options.now() + wait >= options.giveUpAt) return { last, attempts };
    await sleep(wait);
  }
}

/** Counts of each value. */
export function countBy(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
