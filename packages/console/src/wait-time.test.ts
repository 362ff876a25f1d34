import { describe, expect, it } from 'vitest';
import { formatWait } from './wait-time';

const QUEUED_AT = '2025-01-01T10:00:00.000Z';
const after = (ms: number) => Date.parse(QUEUED_AT) + ms;

describe('formatWait', () => {
  it('shows minutes and zero-padded seconds', () => {
    expect(formatWait(QUEUED_AT, after(0))).toBe('0:00');
    expect(formatWait(QUEUED_AT, after(9_999))).toBe('0:09');
    expect(formatWait(QUEUED_AT, after(125_000))).toBe('2:05');
    expect(formatWait(QUEUED_AT, after(59 * 60_000 + 59_000))).toBe('59:59');
  });

  it('adds the hours past an hour', () => {
    expect(formatWait(QUEUED_AT, after(3_600_000))).toBe('1:00:00');
    expect(formatWait(QUEUED_AT, after(3_600_000 + 5 * 60_000 + 7_000))).toBe('1:05:07');
  });

  it('shows no negative wait when the browser clock is behind the server', () => {
    expect(formatWait(QUEUED_AT, after(-4_000))).toBe('0:00');
  });

  it('shows nothing for an unreadable time', () => {
    expect(formatWait('not a date', after(0))).toBe('');
  });
});
