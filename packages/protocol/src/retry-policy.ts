/** First wait before resending a command that got no answer, in ms; it doubles per attempt. */
export const RESEND_BASE_DELAY_MS = 500;
/** Longest wait between two attempts, in ms, so a returning network is noticed soon. */
export const RESEND_MAX_DELAY_MS = 15_000;
/**
 * How long a client keeps resending a message on its own before it shows it as failed with a
 * retry button, in ms. It stays in the outbox (and is resent on the next reconnect) either way.
 */
export const OUTBOX_GIVE_UP_MS = 60_000;

/**
 * The wait before attempt `attempt` (1 is the first resend): exponential, capped, with "full
 * jitter" so that thousands of clients coming back after an outage do not resend in step.
 *
 * @example
 * setTimeout(resend, resendDelayMs(attempt, Math.random));
 */
export function resendDelayMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(RESEND_MAX_DELAY_MS, RESEND_BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: never a zero wait, never two clients in lockstep.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The wait before attempt `attempt` after a refusal: the backoff of `resendDelayMs`, and never
 * less than the `retryAfterMs` the server asked for (a `RATE_LIMITED` answer) [A4].
 *
 * @example
 * setTimeout(resend, retryDelayMs(attempt, Math.random, ack.error.retryAfterMs));
 */
export function retryDelayMs(attempt: number, random: () => number, retryAfterMs = 0): number {
  return Math.max(resendDelayMs(attempt, random), retryAfterMs);
}
