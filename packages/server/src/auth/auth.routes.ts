import { API_PREFIX, LoginBody } from '@hovor/protocol';
import { type Request, Router } from 'express';
import { toAgentProfile } from '../agents/agent.repository.js';
import { AppError } from '../errors.js';
import { parse, route } from '../http/respond.js';
import { type AuthService, readCookie, SESSION_COOKIE } from './auth.service.js';

export function authRoutes(deps: {
  auth: AuthService;
  publicOrigin: string;
  isSecure: boolean;
  defaultCapacity: number;
}): Router {
  const router = Router();
  const tokenOf = (req: Request) => readCookie(req.headers.cookie, SESSION_COOKIE);

  /** Cookie-authenticated writes only from the console's own origin (CSRF defence besides SameSite). */
  router.use((req, _res, next) => {
    const origin = req.headers.origin;
    if (req.method !== 'GET' && origin !== undefined && origin !== deps.publicOrigin) {
      next(new AppError('FORBIDDEN', `Requests from ${origin} are not allowed`));
      return;
    }
    next();
  });

  router.post(
    `${API_PREFIX}/auth/login`,
    route(async (req, res) => {
      const body = parse(LoginBody, req.body);
      const { agent, token, expiresAt } = await deps.auth.signIn(body.email, body.password);
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.isSecure,
        path: '/',
        expires: expiresAt,
      });
      return toAgentProfile(agent, deps.defaultCapacity);
    }),
  );

  router.get(
    `${API_PREFIX}/auth/me`,
    route(async (req) => toAgentProfile(await deps.auth.authenticate(tokenOf(req)), deps.defaultCapacity)),
  );

  router.post(
    `${API_PREFIX}/auth/logout`,
    route(async (req, res) => {
      await deps.auth.signOut(tokenOf(req));
      res.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.isSecure,
      });
      return null;
    }),
  );

  return router;
}
