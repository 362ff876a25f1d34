import { describe, expect, it } from 'vitest';
import type {
  HovorEventData as PublishedEventData,
  Hovor as PublishedHovor,
} from '../../public-types/hovor.js';
import type { Hovor, HovorEventData } from './hovor-api.js';

/** True when each type is assignable to the other: the published copy says what the code does. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// These lines stop compiling (the typecheck fails) when the API and its published types part.
const sameEvents: Same<PublishedEventData, HovorEventData> = true;
const sameApi: Same<PublishedHovor, Hovor> = true;

describe('the published types of window.Hovor', () => {
  it('match the API the loader implements', () => {
    expect([sameEvents, sameApi]).toEqual([true, true]);
  });
});
