import { describe, expect, it } from 'vitest';
import { type BusinessHours, isOpenAt } from './business-hours.js';

const prague: BusinessHours = {
  timeZone: 'Europe/Prague',
  weekly: {
    mon: [
      { from: '09:00', to: '12:00' },
      { from: '13:00', to: '17:30' },
    ],
    sat: [{ from: '10:00', to: '24:00' }],
  },
  holidays: ['2026-12-28'],
};

describe('[RT17] business hours', () => {
  it('is open inside an interval of the local weekday and closed outside', () => {
    // Monday 2 March 2026: Prague is UTC+1.
    expect(isOpenAt(prague, new Date('2026-03-02T08:00:00Z'))).toBe(true); // 09:00 local
    expect(isOpenAt(prague, new Date('2026-03-02T07:59:00Z'))).toBe(false); // 08:59
    expect(isOpenAt(prague, new Date('2026-03-02T11:30:00Z'))).toBe(false); // lunch 12:30
    expect(isOpenAt(prague, new Date('2026-03-02T16:29:00Z'))).toBe(true); // 17:29
    expect(isOpenAt(prague, new Date('2026-03-02T16:30:00Z'))).toBe(false); // 17:30, end exclusive
    expect(isOpenAt(prague, new Date('2026-03-03T10:00:00Z'))).toBe(false); // Tuesday: no hours
  });

  it('uses the local date, not the UTC one, across midnight and daylight saving time', () => {
    // Saturday 28 March 2026, 23:30 local (UTC+1) is still Saturday there.
    expect(isOpenAt(prague, new Date('2026-03-28T22:30:00Z'))).toBe(true);
    // Sunday 29 March, 00:30 local: closed.
    expect(isOpenAt(prague, new Date('2026-03-28T23:30:00Z'))).toBe(false);
    // Monday 30 March after the switch to UTC+2: 09:00 local is 07:00 UTC.
    expect(isOpenAt(prague, new Date('2026-03-30T07:00:00Z'))).toBe(true);
  });

  it('is closed all day on a holiday', () => {
    expect(isOpenAt(prague, new Date('2026-12-28T10:00:00Z'))).toBe(false); // a Monday
  });

  it('is always open without a schedule', () => {
    expect(isOpenAt(null, new Date())).toBe(true);
  });
});
