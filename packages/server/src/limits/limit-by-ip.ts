import type { RequestHandler } from 'express';
import type { RateLimits } from './rate-limiter.js';
import type { LimitOf } from './rate-limits.js';

/**
 * [A4] A route's first handler: spends one point of `limit` for the caller's address (`req.ip`,
 * behind TRUST_PROXY's proxies only), or answers RATE_LIMITED with Retry-After.
 */
export function limitByIp(limits: Pick<RateLimits, 'consume'>, limit: LimitOf<'ip'>): RequestHandler {
  return (req, _res, next) => {
    limits.consume(limit, req.ip ?? 'unknown').then(() => next(), next);
  };
}
