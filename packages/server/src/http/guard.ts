import type { RequestHandler, Router } from 'express';
import { overseesAny } from '../access/conversation-access.js';
import { type Policy, ROUTE_POLICIES, type RouteKey } from '../access/policies.js';
import type { Agent } from '../agents/agent.repository.js';
import type { AuthService } from '../auth/auth.service.js';
import type { SessionCookie } from '../auth/session-cookie.js';
import { AppError } from '../errors.js';

/** What a route's guard needs to know who asks. */
export interface GuardDeps {
  auth: AuthService;
  sessionCookie: SessionCookie;
}

/** The agent an `agent` route's guard signed in (set before the route's own handlers run). */
export function signedInAgent(locals: Record<string, unknown>): Agent {
  const agent = locals.agent as Agent | undefined;
  if (!agent) throw new AppError('UNAUTHORIZED', 'Sign in first');
  return agent;
}

/**
 * [A1] The one way a route is registered: its method and path come from its key in the policy
 * registry, so no route exists without a policy, and the policy's check runs first. `public` needs
 * nothing; `agent` needs a live session of an active agent (UNAUTHORIZED otherwise; a router
 * without `deps` cannot have such routes), `supervisor` also a supervisor or admin of a site
 * (FORBIDDEN otherwise); a conversation policy is checked by the route's own
 * handler through `authorizeConversation` with the registry's rule, once it knows the
 * conversation (from the path, or from the attachment it names).
 *
 * @example
 * const on = routesOf(router, { auth, sessionCookie });
 * on('GET /api/v1/auth/me', route(async (_req, res) => signedInAgent(res.locals)));
 */
export function routesOf(router: Pick<Router, 'get' | 'post'>, deps?: GuardDeps) {
  return (key: RouteKey, ...handlers: RequestHandler[]): void => {
    const [method, path] = key.split(' ') as [string, string];
    // Widened to every kind of policy: a route may take any, whatever the registry holds today.
    const policy = ROUTE_POLICIES[key] as Policy;
    const checks: RequestHandler[] = [];
    if (policy === 'agent' || policy === 'supervisor') {
      if (!deps) throw new Error(`${key} needs a signed-in agent: give its router the guard's deps`);
      checks.push((req, res, next) => {
        deps.auth.authenticate(deps.sessionCookie.read(req.headers.cookie)).then((agent) => {
          if (policy === 'supervisor' && !overseesAny(agent)) {
            next(new AppError('FORBIDDEN', 'Only a supervisor or an admin can do this'));
            return;
          }
          res.locals.agent = agent;
          next();
        }, next);
      });
    }
    if (method === 'GET') router.get(path, ...checks, ...handlers);
    else if (method === 'POST') router.post(path, ...checks, ...handlers);
    else throw new Error(`${key}: add ${method} to routesOf`);
  };
}

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/**
 * [A1] Every route an Express app serves, as `METHOD path` (the registry's keys), nested routers
 * included; the authorization-matrix test holds it against the registry.
 */
export function listRoutes(app: { router: unknown }): string[] {
  const found: string[] = [];
  const walk = (stack: RouterLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods)) {
          for (const path of paths) found.push(`${method.toUpperCase()} ${path}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  // Express types `route` without its `methods`, which it has: read the stack as it is.
  walk((app.router as { stack: RouterLayer[] }).stack);
  return found;
}
