import { z } from 'zod/mini';
import { ErrorBody } from './errors.js';

/**
 * The answer to every command and REST call: success with data, or an error.
 *
 * @example
 * socket.emit('message:send', input, (ack) => {
 *   if (ack.ok) render(ack.data);
 *   else showError(ack.error.code);
 * });
 */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Builds the schema of an ack whose success carries `data`. */
export function AckOf<T extends z.core.$ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), data }),
    z.strictObject({ ok: z.literal(false), error: ErrorBody }),
  ]);
}
