import { describe, expect, it } from 'vitest';
import { ErrorBody } from './errors.js';
import { RESEND_BASE_DELAY_MS, RESEND_MAX_DELAY_MS, resendDelayMs, retryDelayMs } from './retry-policy.js';

describe('resend delays', () => {
  it('[P16] doubles per attempt up to the cap, between half and all of the ceiling', () => {
    expect(resendDelayMs(1, () => 0)).toBe(RESEND_BASE_DELAY_MS / 2);
    expect(resendDelayMs(1, () => 1)).toBe(RESEND_BASE_DELAY_MS);
    expect(resendDelayMs(3, () => 1)).toBe(RESEND_BASE_DELAY_MS * 4);
    expect(resendDelayMs(50, () => 1)).toBe(RESEND_MAX_DELAY_MS);
    expect(resendDelayMs(50, () => 0)).toBe(RESEND_MAX_DELAY_MS / 2);
  });

  it('[P16] spreads clients that fail together over the window', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const delays = new Set(Array.from({ length: 100 }, () => resendDelayMs(4, random)));
    expect(delays.size).toBeGreaterThan(80);
  });
});

describe('retry-after', () => {
  it('[A4] waits at least the retryAfterMs a refusal asked for, and the backoff when that is longer', () => {
    expect(retryDelayMs(1, () => 1, 5_000)).toBe(5_000);
    expect(retryDelayMs(3, () => 1, 100)).toBe(RESEND_BASE_DELAY_MS * 4);
    expect(retryDelayMs(1, () => 1)).toBe(RESEND_BASE_DELAY_MS);
  });

  it('[A4] an error body carries retryAfterMs only as a whole number of ms, not negative', () => {
    const body = { code: 'RATE_LIMITED', message: 'Slow down' };
    expect(ErrorBody.safeParse({ ...body, retryAfterMs: 1_500 }).success).toBe(true);
    expect(ErrorBody.safeParse(body).success).toBe(true);
    for (const retryAfterMs of [-1, 1.5, '1500', null]) {
      expect(ErrorBody.safeParse({ ...body, retryAfterMs }).success).toBe(false);
    }
  });
});
