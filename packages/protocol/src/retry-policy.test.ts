import { describe, expect, it } from 'vitest';
import { RESEND_BASE_DELAY_MS, RESEND_MAX_DELAY_MS, resendDelayMs } from './retry-policy.js';

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
