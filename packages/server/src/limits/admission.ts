import { AppError } from '../errors.js';

/**
 * Commands a node works on at once by default. Past it the node is saturated: more work in flight
 * only lengthens every answer (the database, not Node, is the bottleneck), so new commands are
 * refused at once and retried by the clients, and what is admitted stays fast.
 */
export const DEFAULT_MAX_COMMANDS_IN_FLIGHT = 256;
/** The retry-after of a refused command, in ms, before jitter; clients spread their retries over ±50 %. */
export const BUSY_RETRY_AFTER_MS = 500;

/**
 * Admission control [A4]: a node bounds the commands in flight. A command past the bound is
 * answered `UNAVAILABLE` with a retry-after at once and nothing of it is done, never later either.
 */
export function createAdmission(maxInFlight = DEFAULT_MAX_COMMANDS_IN_FLIGHT) {
  let inFlight = 0;
  return {
    /** Runs `work` if the node has room; refuses at once otherwise. The slot is held until `work` settles. */
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (inFlight >= maxInFlight) {
        const retryAfterMs = Math.round(BUSY_RETRY_AFTER_MS * (0.5 + Math.random()));
        throw new AppError('UNAVAILABLE', 'The server is busy; retry shortly', { retryAfterMs });
      }
      inFlight++;
      try {
        return await work();
      } finally {
        inFlight--;
      }
    },
    get inFlight() {
      return inFlight;
    },
  };
}
export type Admission = ReturnType<typeof createAdmission>;
