import { describe, expect, it } from 'vitest';
import { createDbAvailability } from '../db/availability.js';
import { AppError } from '../errors.js';
import { BUSY_RETRY_AFTER_MS, createAdmission } from '../limits/admission.js';
import { createLogger } from '../logger.js';
import { admitHandshake } from './command.js';

type Answer = { error?: Error & { data?: { code: string; retryAfterMs?: number } } };

function handshake(admission: ReturnType<typeof createAdmission>, check: () => Promise<void>) {
  const logger = createLogger('silent');
  const db = createDbAvailability({ ping: async () => true, logger });
  return new Promise<Answer>((resolve) => {
    admitHandshake(admission, check, (error) => resolve({ error: error as Answer['error'] }), { db, logger });
  });
}

describe('handshakes within the node’s bound [A4]', () => {
  it('refuses a handshake past the bound at once with UNAVAILABLE and a retry-after, checking nothing', async () => {
    const admission = createAdmission(1);
    let release = () => {};
    const first = handshake(
      admission,
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    let isChecked = false;
    const second = await handshake(admission, async () => {
      isChecked = true;
    });
    expect(isChecked).toBe(false);
    expect(second.error?.data?.code).toBe('UNAVAILABLE');
    expect(second.error?.data?.retryAfterMs).toBeGreaterThanOrEqual(BUSY_RETRY_AFTER_MS / 2);
    expect(second.error?.data?.retryAfterMs).toBeLessThanOrEqual(BUSY_RETRY_AFTER_MS * 1.5);

    release();
    expect((await first).error).toBeUndefined();
    expect((await handshake(admission, async () => {})).error).toBeUndefined();
  });

  it('answers a refused check with its own code and frees the slot', async () => {
    const admission = createAdmission(1);
    const refused = await handshake(admission, async () => {
      throw new AppError('UNAUTHORIZED', 'Unknown or expired visitor token');
    });
    expect(refused.error?.data?.code).toBe('UNAUTHORIZED');
    expect(admission.inFlight).toBe(0);
  });
});
