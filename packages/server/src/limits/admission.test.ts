import { describe, expect, it } from 'vitest';
import { BUSY_RETRY_AFTER_MS, createAdmission } from './admission.js';

describe('admission control [A4]', () => {
  it('refuses past the bound at once, with a jittered retry-after, and admits again once work settles', async () => {
    const admission = createAdmission(2);
    const release: Array<() => void> = [];
    const held = [1, 2].map(() =>
      admission.run(() => new Promise<void>((resolve) => release.push(() => resolve()))),
    );
    expect(admission.inFlight).toBe(2);
    const refusal = admission.refusal();
    expect(refusal).toMatchObject({ code: 'UNAVAILABLE' });
    expect(refusal!.retryAfterMs).toBeGreaterThanOrEqual(BUSY_RETRY_AFTER_MS / 2);
    expect(refusal!.retryAfterMs).toBeLessThanOrEqual(BUSY_RETRY_AFTER_MS * 1.5);
    let didRun = false;
    await expect(
      admission.run(async () => {
        didRun = true;
      }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(didRun).toBe(false);
    release[0]!();
    await held[0];
    expect(admission.refusal()).toBeNull();
    await admission.run(async () => {
      didRun = true;
    });
    expect(didRun).toBe(true);
    release[1]!();
    await held[1];
    expect(admission.inFlight).toBe(0);
  });
});
