/**
 * What tests, end-to-end tests and benchmarks need of the server besides starting it
 * (`startHovor`, the package's main entry): seeding sites and agents the way the server stores
 * them, an embedded database and a Redis of their own, and rate limits no test reaches. The only
 * way in for code outside this package (`@hovor/server/testing`).
 */
import type { RateLimitOptions } from './limits/rate-limiter.js';
import { type LimitName, RATE_LIMITS } from './limits/rate-limits.js';

export { createAgentRepository } from './agents/agent.repository.js';
export { hashPassword } from './auth/password.js';
export { parseEnv, toAppConfig } from './config.js';
export { collections } from './db/collections.js';
export {
  type CommandStartedEvent,
  type CommandSucceededEvent,
  connectMongo,
  EMBEDDED_DB_POOL_SIZE,
  type MongoClient,
} from './db/connect.js';
export { createDemoSite } from './demo/demo-site.js';
export { startEmbeddedDb } from './devdb/embedded-db.js';
export { startLocalRedis } from './devdb/local-redis.js';
export type { RateLimitOptions } from './limits/rate-limiter.js';
export { type LimitName, RATE_LIMITS } from './limits/rate-limits.js';
export { createLogger } from './logger.js';
export type { RoutingSettings } from './sites/routing-settings.js';
export { createSiteRepository, type Site } from './sites/site.repository.js';
export { signIdentityToken } from './visitors/identity.js';

/** More than any test or benchmark does in a window. */
const RELAXED_POINTS = 1_000_000;

/**
 * Rate limits no test reaches, for the tests and benchmarks that are about something else: they
 * create hundreds of visitors and sign-ins from one address. `rate-limits.test.ts` proves the real
 * numbers [A4]; `overrides` sets some of them for a test.
 */
export function relaxedRateLimits(overrides: RateLimitOptions = {}): RateLimitOptions {
  const rules = Object.fromEntries(
    (Object.keys(RATE_LIMITS) as LimitName[]).map((name) => [name, { points: RELAXED_POINTS, perMs: 1_000 }]),
  ) as NonNullable<RateLimitOptions['rules']>;
  return {
    maxConcurrentHashes: 64,
    ...overrides,
    rules: { ...rules, ...overrides.rules },
  };
}
