import type { Server } from 'socket.io';
import type { Logger } from './logger.js';
import { guardSlowConsumers } from './sockets/slow-consumers.js';

/** How often expired agent sessions are deleted (each is refused on sight before that). */
const SESSION_SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * What a node does by itself while it runs: the sweeper (leases, timeouts, queues) every
 * `sweepIntervalMs`, expired sessions every ten minutes, and the slow-consumer guard on its
 * sockets. A sweep asked for while one runs joins it instead of overlapping.
 */
export function createBackgroundWork(deps: {
  sweep: () => Promise<void>;
  sweepSessions: () => Promise<unknown>;
  io: Server;
  logger: Logger;
  /** 0: no timer (tests drive every sweep themselves). */
  sweepIntervalMs: number;
}) {
  let sweepTimer: NodeJS.Timeout | undefined;
  let sessionSweepTimer: NodeJS.Timeout | undefined;
  let stopSlowConsumerGuard: (() => void) | undefined;
  /** The sweep in progress. */
  let sweeping: Promise<void> | null = null;

  function sweep(): Promise<void> {
    sweeping ??= deps.sweep().finally(() => {
      sweeping = null;
    });
    return sweeping;
  }

  return {
    sweep,
    start(): void {
      sessionSweepTimer = setInterval(() => {
        deps
          .sweepSessions()
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'sweeping sessions failed'));
      }, SESSION_SWEEP_INTERVAL_MS);
      sessionSweepTimer.unref();
      stopSlowConsumerGuard = guardSlowConsumers(deps.io, { logger: deps.logger });
      if (deps.sweepIntervalMs > 0) {
        sweepTimer = setInterval(() => {
          sweep().catch((error: unknown) =>
            deps.logger.warn({ err: error }, 'sweep failed; the next one retries'),
          );
        }, deps.sweepIntervalMs);
      }
    },
    /** Stops the timers and the guard; resolves once a sweep in progress has ended. */
    async stop(): Promise<void> {
      if (sweepTimer) clearInterval(sweepTimer);
      clearInterval(sessionSweepTimer);
      stopSlowConsumerGuard?.();
      await sweeping?.catch(() => undefined);
    },
  };
}
