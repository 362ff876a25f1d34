import type { Availability } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { createAvailabilityCache } from './availability-cache.js';

const live: Availability = { mode: 'live', offlineText: '' };
const hidden: Availability = { mode: 'hidden', offlineText: '' };

function setup(ttlMs: number) {
  let now = 0;
  const asked: string[] = [];
  let next: () => Promise<Availability> = async () => live;
  const get = createAvailabilityCache({
    ttlMs,
    clock: { now: () => new Date(now) },
    load: (siteId, departmentId, locale) => {
      asked.push(`${siteId}/${departmentId}/${locale}`);
      return next();
    },
  });
  return {
    get,
    asked,
    advance: (ms: number) => {
      now += ms;
    },
    answerWith: (load: () => Promise<Availability>) => {
      next = load;
    },
  };
}

describe('the availability kept for the launchers [P22]', () => {
  it('answers a site, department and language from one question for the time kept, then asks again', async () => {
    const cache = setup(3_000);
    await Promise.all([cache.get('s1', null, 'cs'), cache.get('s1', null, 'cs')]); // shared while asked
    expect(await cache.get('s1', null, 'cs')).toEqual(live);
    await cache.get('s1', 'd1', 'cs');
    await cache.get('s1', null, undefined);
    await cache.get('s2', null, 'cs');
    expect(cache.asked).toEqual(['s1/null/cs', 's1/d1/cs', 's1/null/undefined', 's2/null/cs']);
    cache.answerWith(async () => hidden);
    cache.advance(2_999);
    expect(await cache.get('s1', null, 'cs')).toEqual(live);
    cache.advance(1);
    expect(await cache.get('s1', null, 'cs')).toEqual(hidden);
  });

  it('keeps no failed answer, and nothing at all when told to keep none', async () => {
    const failing = setup(3_000);
    failing.answerWith(async () => {
      throw new Error('database down');
    });
    await expect(failing.get('s1', null, 'cs')).rejects.toThrow('database down');
    failing.answerWith(async () => live);
    expect(await failing.get('s1', null, 'cs')).toEqual(live);
    expect(failing.asked).toHaveLength(2);

    const none = setup(0);
    await none.get('s1', null, 'cs');
    await none.get('s1', null, 'cs');
    expect(none.asked).toHaveLength(2);
  });
});
