import type { ErrorBody } from '@hovor/protocol';
import { AppError, BUSY_RETRY_AFTER_MS } from '../errors.js';

export { BUSY_RETRY_AFTER_MS };

const BUSY_MESSAGE = 'The server is busy; retry shortly';
const jitteredRetryAfterMs = () => Math.round(BUSY_RETRY_AFTER_MS * (0.5 + Math.random()));

/**
 * Commands a node works on at once by default. Past it the node is saturated: more work in flight
 * only lengthens every answer (the database, not Node, is the bottleneck), so new commands are
 * refused at once and retried by the clients, and what is admitted stays fast.
 */
export const DEFAULT_MAX_COMMANDS_IN_FLIGHT = 256;
/**
 * Handshakes (both namespaces) a node checks at once. Each reads the database (the token, a block,
 * the session); a reconnect storm of thousands would otherwise queue reads until the clients' own
 * connect timeouts, so past the bound a handshake is refused at once with a retry-after.
 */
export const MAX_HANDSHAKES_IN_FLIGHT = 64;

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
        throw new AppError('UNAVAILABLE', BUSY_MESSAGE, { retryAfterMs: jitteredRetryAfterMs() });
      }
      inFlight++;
      try {
        return await work();
      } finally {
        inFlight--;
      }
    },
    /**
     * The answer to a command the node has no room for now, or null while it has room. Refusing
     * this way builds no Error (a stack trace each) and arms no deadline: under overload most
     * commands are refused, and what refusing costs comes out of what the admitted ones get.
     */
    refusal(): ErrorBody | null {
      if (inFlight < maxInFlight) return null;
      return { code: 'UNAVAILABLE', message: BUSY_MESSAGE, retryAfterMs: jitteredRetryAfterMs() };
    },
    get inFlight() {
      return inFlight;
    },
  };
}
export type Admission = ReturnType<typeof createAdmission>;
/** What the command wrapper needs of admission control. */
export type CommandAdmission = Pick<Admission, 'run' | 'refusal'>;
