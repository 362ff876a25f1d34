import { createHash } from 'node:crypto';
import {
  BurstyRateLimiter,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import {
  type LimitName,
  type LimitRule,
  LOGIN_LOCKOUT_BASE_MS,
  LOGIN_LOCKOUT_MAX_MS,
  LOGIN_LOCKOUT_MEMORY_MS,
  MAX_CONCURRENT_PASSWORD_HASHES,
  PASSWORD_HASH_RETRY_AFTER_MS,
  RATE_LIMITS,
} from './rate-limits.js';

/**
 * Longest wait for the shared store (Redis) before a request goes on without its limit: a slow or
 * absent Redis must not slow the chat down.
 */
const STORE_TIMEOUT_MS = 500;
/** A store that keeps failing is logged at most this often. */
const STORE_WARN_INTERVAL_MS = 60_000;
/** Keys of the rate-limit counters in Redis start with this (and the limit's name). */
const DEFAULT_KEY_PREFIX = 'hovor:rl';

/** How Hovor counts, and the numbers it counts to; every field has a default. */
export interface RateLimitOptions {
  /** Numbers replacing RATE_LIMITS' own, by limit (tests shrink them). */
  rules?: Partial<Record<LimitName, Omit<LimitRule, 'key'>>>;
  /**
   * A connected `redis` client: the counts are shared by every node using the same Redis
   * (REDIS_URL). In this node's memory when absent.
   */
  redis?: { client: unknown; keyPrefix?: string };
  /** MAX_CONCURRENT_PASSWORD_HASHES by default. */
  maxConcurrentHashes?: number;
}

type Limiter = Pick<RateLimiterAbstract, 'consume'>;

/** The refusal a spent limit answers, with when to try again [A4]. */
export function rateLimited(retryAfterMs: number, what = 'Too many requests'): AppError {
  const ms = Math.max(1, Math.ceil(retryAfterMs));
  return new AppError('RATE_LIMITED', `${what}; retry in ${Math.ceil(ms / 1000)} s`, { retryAfterMs: ms });
}

/**
 * [A4] The rate limits of one node: points counted per key in memory, or in Redis shared by every
 * node, spent before the work they guard. A store that fails or does not answer within
 * STORE_TIMEOUT_MS lets the request through (fail open) and is logged at most once a minute: a
 * Redis outage must not stop the chat.
 *
 * @example
 * const limits = createRateLimits({ logger, clock });
 * await limits.consume('visitorMessages', visitor.id); // throws RATE_LIMITED past the limit
 */
export function createRateLimits(options: RateLimitOptions & { logger: Logger; clock: Clock }) {
  const log = options.logger.child({ module: 'rate-limits' });
  const prefix = options.redis?.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const ruleOf = (name: LimitName): Omit<LimitRule, 'key'> => options.rules?.[name] ?? RATE_LIMITS[name];

  function store(keyPrefix: string, points: number, durationMs: number): RateLimiterAbstract {
    const settings = { keyPrefix: `${prefix}:${keyPrefix}`, points, duration: durationMs / 1000 };
    if (!options.redis) return new RateLimiterMemory(settings);
    // Not ready (reconnecting): refused at once, so the request fails open instead of queueing.
    return new RateLimiterRedis({
      ...settings,
      storeClient: options.redis.client,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
    });
  }

  function limiter(name: LimitName): Limiter {
    const rule = ruleOf(name);
    const base = store(name, rule.points, rule.perMs);
    if (!rule.burstPoints || !rule.burstPerMs) return base;
    return new BurstyRateLimiter(base, store(`${name}:burst`, rule.burstPoints, rule.burstPerMs));
  }

  const accountRule = ruleOf('accountLogins');
  const accountLogins = store('accountLogins', accountRule.points, accountRule.perMs);
  const limiters = new Map<LimitName, Limiter>();
  for (const name of Object.keys(RATE_LIMITS) as LimitName[]) {
    limiters.set(name, name === 'accountLogins' ? accountLogins : limiter(name));
  }
  /** Lockouts in a row per account: the next one lasts twice as long. */
  const lockouts = store('accountLockouts', Number.MAX_SAFE_INTEGER, LOGIN_LOCKOUT_MEMORY_MS);

  let lastWarnAt = Number.NEGATIVE_INFINITY;
  function storeFailed(error: unknown): void {
    const now = options.clock.now().getTime();
    if (now - lastWarnAt < STORE_WARN_INTERVAL_MS) return;
    lastWarnAt = now;
    log.warn({ err: error, code: 'UNAVAILABLE' }, 'the rate-limit store failed; requests go on unlimited');
  }

  /** The store's answer within STORE_TIMEOUT_MS, or a rejection. */
  function timed<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)),
        STORE_TIMEOUT_MS,
      );
    });
    // A late failure after the timeout has nobody to tell.
    work.catch(() => undefined);
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  /** Spends a point: null when allowed (or when the store failed), the refusal otherwise. */
  async function spend(limit: Limiter, key: string): Promise<RateLimiterRes | null> {
    try {
      await timed(limit.consume(key));
      return null;
    } catch (error) {
      if (error instanceof RateLimiterRes) return error;
      storeFailed(error);
      return null;
    }
  }

  /** Store bookkeeping whose failure only loses a count. */
  async function quietly(work: () => Promise<unknown>): Promise<void> {
    try {
      await timed(work());
    } catch (error) {
      storeFailed(error);
    }
  }

  const retryAfterOf = (refusal: RateLimiterRes, fallbackMs: number) =>
    refusal.msBeforeNext > 0 ? refusal.msBeforeNext : fallbackMs;

  let hashesInUse = 0;
  const maxHashes = options.maxConcurrentHashes ?? MAX_CONCURRENT_PASSWORD_HASHES;

  return {
    /** Spends one point of `name` for `key`, or throws RATE_LIMITED with its retry-after [A4]. */
    async consume(name: LimitName, key: string): Promise<void> {
      const refusal = await spend(limiters.get(name)!, key);
      if (refusal) throw rateLimited(retryAfterOf(refusal, ruleOf(name).perMs));
    },

    /**
     * [A4] A sign-in attempt: counted per address (`ipLogins`) and per e-mail (`accountLogins`,
     * counted whether or not an account has it, so the answers tell nothing about which exist)
     * before `signIn` checks the password. Past the account's points it is locked out for
     * LOGIN_LOCKOUT_BASE_MS, doubling with each lockout in a row; a successful sign-in resets both.
     */
    async login<T>(ip: string, email: string, signIn: () => Promise<T>): Promise<T> {
      await this.consume('ipLogins', ip);
      // Hashed: the counters in Redis hold no e-mail addresses.
      const account = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
      const refusal = await spend(accountLogins, account);
      if (refusal) {
        let retryAfterMs = retryAfterOf(refusal, accountRule.perMs);
        // The first refusal since the points ran out starts the next lockout (exactly one does).
        if (refusal.consumedPoints === accountRule.points + 1) {
          let inRow = 1;
          await quietly(async () => {
            inRow = (await lockouts.penalty(account)).consumedPoints;
          });
          retryAfterMs = Math.min(LOGIN_LOCKOUT_BASE_MS * 2 ** (inRow - 1), LOGIN_LOCKOUT_MAX_MS);
          await quietly(() => accountLogins.block(account, retryAfterMs / 1000));
        }
        throw rateLimited(retryAfterMs, 'Too many sign-in attempts');
      }
      try {
        const result = await signIn();
        await quietly(() => Promise.all([accountLogins.delete(account), lockouts.delete(account)]));
        return result;
      } catch (error) {
        // Refused before the password was checked (every hashing slot busy): not an attempt.
        if (error instanceof AppError && error.code === 'RATE_LIMITED') {
          await quietly(() => accountLogins.reward(account));
        }
        throw error;
      }
    },

    /**
     * [A4] Runs a password hash or verification in one of this node's `maxConcurrentHashes` slots;
     * with none free, RATE_LIMITED at once (Argon2id's memory is not queued up).
     */
    async hashing<T>(work: () => Promise<T>): Promise<T> {
      if (hashesInUse >= maxHashes) {
        throw rateLimited(PASSWORD_HASH_RETRY_AFTER_MS, 'The server is busy checking passwords');
      }
      hashesInUse++;
      try {
        return await work();
      } finally {
        hashesInUse--;
      }
    },
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;
