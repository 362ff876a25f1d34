import { Router } from 'express';
import type { DbHealth } from '../db/health.js';
import { routesOf } from './guard.js';

/**
 * Liveness and readiness for load balancers and orchestrators: `/healthz` answers while the
 * process serves; `/readyz` only while the database answers a ping.
 */
export function healthRoutes(deps: { health: DbHealth }): Router {
  const router = Router();
  const on = routesOf(router);
  on('GET /healthz', (_req, res) => {
    res.json({ ok: true, data: { status: 'up' } });
  });
  on('GET /readyz', async (_req, res) => {
    const isReady = await deps.health.isReachable();
    res
      .status(isReady ? 200 : 503)
      .json(
        isReady
          ? { ok: true, data: { database: 'reachable' } }
          : { ok: false, error: { code: 'UNAVAILABLE', message: 'The database is not reachable' } },
      );
  });
  return router;
}
