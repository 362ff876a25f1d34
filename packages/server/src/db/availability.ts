import type { Logger } from '../logger.js';

/** How often a node that saw the database fail checks whether it is back, in ms. */
export const DB_PROBE_INTERVAL_MS = 500;

/**
 * What this node believes about the database. After a command failed because the database was
 * unreachable, further commands answer `UNAVAILABLE` at once instead of each waiting out the
 * driver's server selection; a probe clears the state as soon as a ping succeeds.
 */
export function createDbAvailability(deps: {
  ping: () => Promise<boolean>;
  logger: Logger;
  probeIntervalMs?: number;
}) {
  const log = deps.logger.child({ module: 'db-availability' });
  const probeIntervalMs = deps.probeIntervalMs ?? DB_PROBE_INTERVAL_MS;
  let downSince: number | null = null;
  let probeTimer: NodeJS.Timeout | undefined;
  let isStopped = false;

  function probe(): void {
    probeTimer = setTimeout(async () => {
      if (isStopped) return;
      if (await deps.ping()) {
        log.info({ downMs: Date.now() - (downSince ?? Date.now()) }, 'database reachable again');
        downSince = null;
      } else {
        probe();
      }
    }, probeIntervalMs);
    probeTimer.unref();
  }

  return {
    isDown: () => downSince !== null,
    /** A command met an unreachable database: fail fast until a probe succeeds. */
    reportUnreachable(): void {
      if (downSince !== null || isStopped) return;
      downSince = Date.now();
      log.warn('database unreachable; commands answer UNAVAILABLE until it is back');
      probe();
    },
    stop(): void {
      isStopped = true;
      clearTimeout(probeTimer);
    },
  };
}
export type DbAvailability = ReturnType<typeof createDbAvailability>;
