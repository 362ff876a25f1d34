import { type Ack, type ErrorCode, RETRYABLE_CODES, retryDelayMs } from '@hovor/protocol';

/** Attempts per command before it fails (about 15 s of trying); messages have the outbox instead. */
export const MAX_COMMAND_ATTEMPTS = 5;

/** The one error the frame's code throws: a code from the protocol's table and a message. */
export class WidgetError extends Error {
  /** The least wait the server asked for before trying again (RATE_LIMITED) [A4]. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.name = 'WidgetError';
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export interface RetryOptions {
  sleep: (ms: number) => Promise<void>;
  maxAttempts?: number;
  /** The jitter's source; `Math.random` by default. */
  random?: () => number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a failed command may succeed when sent again: no answer, or a retryable code. */
export const isRetryable = (error: unknown) =>
  error instanceof WidgetError && RETRYABLE_CODES.includes(error.code);

/**
 * Runs `attempt` until it acks success. A throw (timeout, network) or a retryable error code is
 * retried with jittered exponential backoff, never sooner than a refusal's `retryAfterMs` [P16][A4];
 * the caller reuses the same clientMsgId/requestId in every
 * attempt, so the server applies the command once. Other error codes fail at once.
 */
export async function withRetry<T>(attempt: () => Promise<Ack<T>>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? MAX_COMMAND_ATTEMPTS;
  let lastError: WidgetError = new WidgetError('INTERNAL', 'no attempt made');
  for (let i = 0; i < maxAttempts; i++) {
    if (i > 0) await options.sleep(retryDelayMs(i, options.random ?? Math.random, lastError.retryAfterMs));
    let ack: Ack<T>;
    try {
      ack = await attempt();
    } catch (cause) {
      lastError = new WidgetError('UNAVAILABLE', 'the server did not answer', { cause });
      continue;
    }
    if (ack.ok) return ack.data;
    lastError = new WidgetError(ack.error.code, ack.error.message, ack.error);
    if (!isRetryable(lastError)) break;
  }
  throw lastError;
}
