import type { Ack } from '@hovor/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep, WidgetError, withRetry } from './retry.js';

function scripted<T>(steps: Array<Ack<T> | Error>) {
  const calls: number[] = [];
  const attempt = async () => {
    calls.push(calls.length);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)]!;
    if (step instanceof Error) throw step;
    return step;
  };
  return { attempt, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('withRetry', () => {
  it('[P16] retries a timeout and an UNAVAILABLE answer, with growing waits, until success', async () => {
    const waits: number[] = [];
    const { attempt, calls } = scripted<string>([
      new Error('operation has timed out'),
      { ok: false, error: { code: 'UNAVAILABLE', message: 'db down' } },
      { ok: true, data: 'done' },
    ]);
    const result = await withRetry(attempt, { sleep: async (ms) => void waits.push(ms), random: () => 1 });
    expect(result).toBe('done');
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('[A4] waits at least the retryAfterMs of a RATE_LIMITED answer before trying again', async () => {
    vi.useFakeTimers();
    const { attempt, calls } = scripted<string>([
      { ok: false, error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 4_000 } },
      { ok: true, data: 'done' },
    ]);
    const result = withRetry(attempt, { sleep, random: () => 1 });
    await vi.advanceTimersByTimeAsync(3_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await expect(result).resolves.toBe('done');
  });

  it("[A4] keeps a refusal's retryAfterMs on the error it fails with", async () => {
    const { attempt } = scripted<string>([
      { ok: false, error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 2_000 } },
    ]);
    await expect(withRetry(attempt, { sleep: async () => {}, maxAttempts: 1 })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 2_000,
    });
  });

  it('fails at once on a non-retryable code', async () => {
    const { attempt, calls } = scripted<string>([
      { ok: false, error: { code: 'BAD_REQUEST', message: 'no' } },
    ]);
    await expect(withRetry(attempt, { sleep: async () => {} })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(calls).toHaveLength(1);
  });

  it('gives up after the last attempt with the last error', async () => {
    const { attempt, calls } = scripted<string>([
      { ok: false, error: { code: 'INTERNAL', message: 'boom' } },
    ]);
    const failure = withRetry(attempt, { sleep: async () => {}, maxAttempts: 3 });
    await expect(failure).rejects.toBeInstanceOf(WidgetError);
    await expect(failure).rejects.toMatchObject({ code: 'INTERNAL', message: 'boom' });
    expect(calls).toHaveLength(3);
  });
});
