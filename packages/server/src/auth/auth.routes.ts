import { ChangePasswordBody, LoginBody } from '@hovor/protocol';
import { type Request, Router } from 'express';
import { toAgentProfile } from '../agents/agent.repository.js';
import { AppError } from '../errors.js';
import { routesOf, signedInAgent } from '../http/guard.js';
import { parse, route } from '../http/respond.js';
import type { RateLimits } from '../limits/rate-limiter.js';
import type { AuthService, RequestMeta } from './auth.service.js';
import type { SessionCookie } from './session-cookie.js';

export function authRoutes(deps: {
  auth: AuthService;
  publicOrigin: string;
  sessionCookie: SessionCookie;
  defaultCapacity: number;
  /** [A4] Sign-ins are limited per address and per e-mail, with a lockout that doubles. */
  rateLimits: Pick<RateLimits, 'login'>;
}): Router {
  const router = Router();
  const { sessionCookie } = deps;
  const on = routesOf(router, deps);
  const tokenOf = (req: Request) => sessionCookie.read(req.headers.cookie);
  const metaOf = (req: Request): RequestMeta => ({ ip: req.ip ?? null });

  /** Cookie-authenticated writes only from the console's own origin (CSRF defence besides SameSite). */
  router.use((req, _res, next) => {
    const origin = req.headers.origin;
    if (req.method !== 'GET' && origin !== undefined && origin !== deps.publicOrigin) {
      next(new AppError('FORBIDDEN', `Requests from ${origin} are not allowed`));
      return;
    }
    next();
  });

  on(
    'POST /api/v1/auth/login',
    route(async (req, res) => {
      const body = parse(LoginBody, req.body);
      const { agent, token, expiresAt } = await deps.rateLimits.login(req.ip ?? 'unknown', body.email, () =>
        deps.auth.signIn(body.email, body.password, metaOf(req)),
      );
      res.cookie(sessionCookie.name, token, { ...sessionCookie.options, expires: expiresAt });
      return toAgentProfile(agent, deps.defaultCapacity);
    }),
  );

  on(
    'GET /api/v1/auth/me',
    route(async (_req, res) => toAgentProfile(signedInAgent(res.locals), deps.defaultCapacity)),
  );

  on(
    'POST /api/v1/auth/logout',
    route(async (req, res) => {
      await deps.auth.signOut(tokenOf(req), metaOf(req));
      res.clearCookie(sessionCookie.name, sessionCookie.options);
      return null;
    }),
  );

  /** [P25] Ends every session of the signed-in agent, on every device, this one included. */
  on(
    'POST /api/v1/auth/logout-everywhere',
    route(async (req, res) => {
      await deps.auth.signOutEverywhere(signedInAgent(res.locals), metaOf(req));
      res.clearCookie(sessionCookie.name, sessionCookie.options);
      return null;
    }),
  );

  /** [P25] The agent's own password; the other sessions end, this one stays. */
  on(
    'POST /api/v1/auth/password',
    route(async (req) => {
      const body = parse(ChangePasswordBody, req.body);
      await deps.auth.changePassword(tokenOf(req), body, metaOf(req));
      return null;
    }),
  );

  return router;
}
