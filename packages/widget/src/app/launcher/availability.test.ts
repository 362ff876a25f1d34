import { AckOf, Availability } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { readAvailability } from './availability.js';

const Answer = AckOf(Availability);

describe('the launcher’s reading of an availability answer [P22]', () => {
  it.each(['live', 'queue', 'offline', 'hidden'] as const)(
    'takes the mode %s as the protocol does',
    (mode) => {
      const body = { ok: true, data: { mode, offlineText: 'Back at 9.' } };
      expect(Answer.safeParse(body).success).toBe(true);
      expect(readAvailability(body)).toEqual({ mode, offlineText: 'Back at 9.' });
    },
  );

  it.each([
    ['an unknown mode', { ok: true, data: { mode: 'away', offlineText: '' } }],
    ['no offline text', { ok: true, data: { mode: 'live' } }],
    ['a field more', { ok: true, data: { mode: 'live', offlineText: '', extra: 1 } }],
    ['nothing', null],
  ])('refuses what the schema refuses: %s', (_name, body) => {
    expect(Answer.safeParse(body).success).toBe(false);
    expect(readAvailability(body)).toBeNull();
  });

  it('learns nothing from a refusal', () => {
    expect(readAvailability({ ok: false, error: { code: 'ORIGIN_NOT_ALLOWED', message: 'no' } })).toBeNull();
  });
});
