import type { ErrorBody, ErrorCode } from '@hovor/protocol';

/** HTTP status answered for each error code. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  CLIENT_TOO_OLD: 400,
  SERVER_TOO_OLD: 400,
  ORIGIN_NOT_ALLOWED: 403,
};

/** The one error type that leaves the server; its code comes from the protocol's closed table. */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** How long the client should wait before trying again, in ms (sent with `RATE_LIMITED`) [A4]. */
  readonly retryAfterMs: number | undefined;
  /** The visitor may not chat on the site (blocked); the chat says only "not available" [P26]. */
  readonly isChatUnavailable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number; isChatUnavailable?: boolean },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.retryAfterMs =
      options?.retryAfterMs === undefined ? undefined : Math.max(0, Math.ceil(options.retryAfterMs));
    this.isChatUnavailable = options?.isChatUnavailable === true;
  }

  toBody(): ErrorBody {
    const body: ErrorBody =
      this.retryAfterMs === undefined
        ? { code: this.code, message: this.message }
        : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
    return this.isChatUnavailable ? { ...body, isChatUnavailable: true } : body;
  }
}

/**
 * Driver errors that mean "the database is not reachable now": the client may retry. These are
 * the errors' `name`s, which for the pool's errors differ from their class names
 * (`PoolClearedError` is named `MongoPoolClearedError`): a command waiting for a connection
 * when the pool was cleared must answer UNAVAILABLE, not INTERNAL.
 */
const UNAVAILABLE_ERROR_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError',
]);

/**
 * Socket errors the driver sometimes throws as they are, unwrapped: e.g. `EPIPE` when it writes
 * to a connection the database closed while stopping.
 */
const NETWORK_ERROR_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTCONN',
]);

function isUnreachableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    UNAVAILABLE_ERROR_NAMES.has(error.name) || (typeof code === 'string' && NETWORK_ERROR_CODES.has(code))
  );
}

/** Whether the driver failed because it cannot reach the database (not because of the command). */
export function isDatabaseUnreachable(error: unknown): boolean {
  return isUnreachableError(error instanceof AppError ? error.cause : error);
}

/** The retry-after of work refused for want of room, in ms, before jitter; clients spread their retries over ±50 %. */
export const BUSY_RETRY_AFTER_MS = 500;

/**
 * Turns anything thrown into an AppError. Unknown errors become `INTERNAL` with a generic
 * message (the cause stays attached for the log, never for the client).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isUnreachableError(error)) {
    return new AppError('UNAVAILABLE', 'The database is unavailable; retry shortly', { cause: error });
  }
  // Every pooled connection stayed busy for the driver's wait-queue timeout: busy, not down.
  // (The driver's class is WaitQueueTimeoutError; its `name` says MongoWaitQueueTimeoutError.)
  if (error instanceof Error && error.name === 'MongoWaitQueueTimeoutError') {
    return new AppError('UNAVAILABLE', 'The server is busy; retry shortly', {
      cause: error,
      retryAfterMs: BUSY_RETRY_AFTER_MS,
    });
  }
  return new AppError('INTERNAL', 'Internal error', { cause: error });
}

/** True for MongoDB's duplicate-key error: the losing side of a claim. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
