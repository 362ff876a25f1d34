import { z } from 'zod/mini';

/** The closed table of error codes every boundary answers with. */
export const ErrorCode = z.enum([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
  'CLIENT_TOO_OLD',
  'SERVER_TOO_OLD',
  'ORIGIN_NOT_ALLOWED',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.strictObject({
  code: ErrorCode,
  message: z.string(),
  /**
   * With `RATE_LIMITED` (and any other retryable code the server can time): wait at least this
   * long, in ms, before sending the same command or request again.
   */
  retryAfterMs: z.optional(z.int().check(z.gte(0))),
  /**
   * [P26] Set with `FORBIDDEN` when this visitor cannot chat on the site (blocked): the chat then
   * says only that it is not available, and neither retries nor starts over as a new visitor.
   */
  isChatUnavailable: z.optional(z.literal(true)),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Codes a client may retry after a backoff: the same command can succeed later. */
export const RETRYABLE_CODES: readonly ErrorCode[] = ['UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL'];
