import type { ErrorBody, ErrorCode } from '@hovor/protocol';

/**
 * The console's one error class: every failure shown to the agent carries a code from the
 * protocol's closed table, so the UI can react to the code and print the message.
 */
export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  /** The least wait the server asked for before trying again (RATE_LIMITED) [A4]. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }

  static fromBody(body: ErrorBody): ConsoleError {
    return new ConsoleError(body.code, body.message, body);
  }
}

/** Turns anything thrown into a `ConsoleError`; unknown throws become `INTERNAL`. */
export function toConsoleError(error: unknown): ConsoleError {
  if (error instanceof ConsoleError) return error;
  return new ConsoleError('INTERNAL', 'Something went wrong in the console. Reload the page to recover.', {
    cause: error,
  });
}
