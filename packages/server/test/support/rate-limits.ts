import type { RateLimitOptions } from '../../src/limits/rate-limiter.js';
import { type LimitName, RATE_LIMITS } from '../../src/limits/rate-limits.js';

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
