import { pino } from 'pino';
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import { createRateLimits, type RateLimitOptions } from './rate-limiter.js';
import { LOGIN_LOCKOUT_BASE_MS, LOGIN_LOCKOUT_MAX_MS, PASSWORD_HASH_RETRY_AFTER_MS } from './rate-limits.js';

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

function limits(options: RateLimitOptions = {}) {
  const { logger, lines } = capturingLogger();
  return { limits: createRateLimits({ ...options, logger, clock: { now: () => new Date() } }), lines };
}

/** The refusal `work` ends with, or null when it succeeds. */
async function refusalOf(work: Promise<unknown>): Promise<AppError | null> {
  try {
    await work;
    return null;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

const wrongPassword = () => Promise.reject(new AppError('UNAUTHORIZED', 'Wrong e-mail or password'));
const rightPassword = () => Promise.resolve('signed in');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('rate limits', () => {
  it('[A4] lets a limit’s points through per window and refuses past them with the time left', async () => {
    const { limits: l } = limits({ rules: { visitorTyping: { points: 2, perMs: 1_000 } } });
    await l.consume('visitorTyping', 'visitor-1');
    vi.advanceTimersByTime(400);
    await l.consume('visitorTyping', 'visitor-1');
    const refused = await refusalOf(l.consume('visitorTyping', 'visitor-1'));
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 600 });
    // Another key has its own points.
    await l.consume('visitorTyping', 'visitor-2');
    vi.advanceTimersByTime(600);
    await l.consume('visitorTyping', 'visitor-1');
  });

  it('[A4] allows a burst above the rate once per burst window', async () => {
    const { limits: l } = limits({
      rules: { visitorMessages: { points: 2, perMs: 1_000, burstPoints: 3, burstPerMs: 10_000 } },
    });
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => refusalOf(l.consume('visitorMessages', 'v'))),
    );
    expect(burst.filter((r) => r === null)).toHaveLength(5);
    vi.advanceTimersByTime(1_000);
    // The rate's points are back; the burst's are not until its window ends.
    const next = await Promise.all(
      Array.from({ length: 3 }, () => refusalOf(l.consume('visitorMessages', 'v'))),
    );
    expect(next.filter((r) => r === null)).toHaveLength(2);
  });

  it('[A4] locks an e-mail out after its attempts, each lockout in a row twice as long, whatever the case', async () => {
    const { limits: l } = limits({ rules: { accountLogins: { points: 3, perMs: 60_000 } } });
    const attempt = (email: string, signIn: () => Promise<string>) =>
      refusalOf(l.login('10.0.0.1', email, signIn));
    for (let i = 0; i < 3; i++)
      expect((await attempt('Ann@Example.test', wrongPassword))?.code).toBe('UNAUTHORIZED');
    expect(await attempt('ann@example.test', rightPassword)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: LOGIN_LOCKOUT_BASE_MS,
    });
    vi.advanceTimersByTime(LOGIN_LOCKOUT_BASE_MS);
    for (let i = 0; i < 3; i++)
      expect((await attempt('ann@example.test', wrongPassword))?.code).toBe('UNAUTHORIZED');
    expect(await attempt('ann@example.test', wrongPassword)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 2 * LOGIN_LOCKOUT_BASE_MS,
    });
    // Still locked out: the wait left, not a new lockout.
    vi.advanceTimersByTime(LOGIN_LOCKOUT_BASE_MS);
    expect(await attempt('ann@example.test', rightPassword)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: LOGIN_LOCKOUT_BASE_MS,
    });
  });

  it('[A4] caps the lockout at LOGIN_LOCKOUT_MAX_MS', async () => {
    const { limits: l } = limits({ rules: { accountLogins: { points: 1, perMs: 60_000 } } });
    let lockoutMs = 0;
    for (let round = 0; round < 10; round++) {
      await refusalOf(l.login('10.0.0.1', 'bob@example.test', wrongPassword));
      lockoutMs = (await refusalOf(l.login('10.0.0.1', 'bob@example.test', wrongPassword)))!.retryAfterMs!;
      vi.advanceTimersByTime(lockoutMs);
    }
    expect(lockoutMs).toBe(LOGIN_LOCKOUT_MAX_MS);
  });

  it('[A4] a successful sign-in gives the e-mail all its attempts back', async () => {
    const { limits: l } = limits({ rules: { accountLogins: { points: 3, perMs: 60_000 } } });
    const attempt = (signIn: () => Promise<string>) =>
      refusalOf(l.login('10.0.0.1', 'cy@example.test', signIn));
    await attempt(wrongPassword);
    await attempt(wrongPassword);
    expect(await attempt(rightPassword)).toBeNull();
    for (let i = 0; i < 3; i++) expect((await attempt(wrongPassword))?.code).toBe('UNAUTHORIZED');
    expect((await attempt(wrongPassword))?.code).toBe('RATE_LIMITED');
  });

  it('[A4] refuses a password hash at once while every slot is busy, and that refusal is no attempt', async () => {
    const { limits: l } = limits({
      maxConcurrentHashes: 1,
      rules: { accountLogins: { points: 1, perMs: 60_000 } },
    });
    let finish!: () => void;
    const slow = l.hashing(() => new Promise<void>((resolve) => (finish = resolve)));
    const busy = await refusalOf(l.login('10.0.0.1', 'dee@example.test', () => l.hashing(rightPassword)));
    expect(busy).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: PASSWORD_HASH_RETRY_AFTER_MS });
    finish();
    await slow;
    // The one attempt the e-mail has was not spent by the refusal.
    expect(
      await refusalOf(l.login('10.0.0.1', 'dee@example.test', () => l.hashing(rightPassword))),
    ).toBeNull();
  });

  it('[A4] counts sign-ins per address too, whatever the e-mail', async () => {
    const { limits: l } = limits({ rules: { ipLogins: { points: 2, perMs: 60_000 } } });
    await refusalOf(l.login('10.0.0.1', 'a@example.test', wrongPassword));
    await refusalOf(l.login('10.0.0.1', 'b@example.test', wrongPassword));
    expect((await refusalOf(l.login('10.0.0.1', 'c@example.test', rightPassword)))?.code).toBe(
      'RATE_LIMITED',
    );
    expect(await refusalOf(l.login('10.0.0.2', 'c@example.test', rightPassword))).toBeNull();
  });

  it('[A4] lets requests through when the shared store fails, and says so at most once a minute', async () => {
    // Never connected: the store refuses at once, as while Redis reconnects.
    const client = createClient({ url: 'redis://127.0.0.1:1' });
    const { limits: l, lines } = limits({
      redis: { client },
      rules: { visitorTyping: { points: 1, perMs: 1_000 } },
    });
    for (let i = 0; i < 5; i++) await l.consume('visitorTyping', 'visitor-1');
    expect(await refusalOf(l.login('10.0.0.1', 'eve@example.test', rightPassword))).toBeNull();
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    await l.consume('visitorTyping', 'visitor-1');
    expect(lines.filter((line) => line.level === 40)).toHaveLength(2);
  });
});
