import { type Ack, type ErrorCode, RETRYABLE_CODES } from '@hovor/protocol';

/** First wait before retrying a failed command; it doubles on each attempt. */
export const RETRY_BASE_DELAY_MS = 500;
/** Longest wait between two attempts. */
export const RETRY_MAX_DELAY_MS = 8_000;
/** Attempts per command before the UI shows it as failed (about 15 s of trying). */
export const MAX_COMMAND_ATTEMPTS = 5;

/** The one error the frame's code throws: a code from the protocol's table and a message. */
export class WidgetError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WidgetError';
  }
}

export interface RetryOptions {
  sleep: (ms: number) => Promise<void>;
  maxAttempts?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it acks success. A throw (timeout, network) or a retryable error code is
 * retried with exponential backoff; the caller reuses the same clientMsgId/requestId in every
 * attempt, so the server applies the command once. Other error codes fail at once.
 */
export async function withRetry<T>(attempt: () => Promise<Ack<T>>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? MAX_COMMAND_ATTEMPTS;
  let lastError: WidgetError = new WidgetError('INTERNAL', 'no attempt made');
  for (let i = 0; i < maxAttempts; i++) {
    if (i > 0) await options.sleep(Math.min(RETRY_BASE_DELAY_MS * 2 ** (i - 1), RETRY_MAX_DELAY_MS));
    let ack: Ack<T>;
    try {
      ack = await attempt();
    } catch (cause) {
      lastError = new WidgetError('UNAVAILABLE', 'the server did not answer', { cause });
      continue;
    }
    if (ack.ok) return ack.data;
    lastError = new WidgetError(ack.error.code, ack.error.message);
    if (!RETRYABLE_CODES.includes(ack.error.code)) break;
  }
  throw lastError;
}
