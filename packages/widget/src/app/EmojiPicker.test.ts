import { describe, expect, it } from 'vitest';
import { COLUMNS, EMOJI, nextIndex } from './EmojiPicker.js';

describe('the emoji grid’s keys', () => {
  it('moves by one with left and right, by a row with up and down, to the ends with Home and End, and stays inside', () => {
    expect(nextIndex('ArrowRight', 0, EMOJI.length)).toBe(1);
    expect(nextIndex('ArrowDown', 2, EMOJI.length)).toBe(2 + COLUMNS);
    expect(nextIndex('ArrowUp', 2, EMOJI.length)).toBe(0);
    expect(nextIndex('ArrowLeft', 0, EMOJI.length)).toBe(0);
    expect(nextIndex('ArrowDown', EMOJI.length - 2, EMOJI.length)).toBe(EMOJI.length - 1);
    expect(nextIndex('End', 3, EMOJI.length)).toBe(EMOJI.length - 1);
    expect(nextIndex('Home', 30, EMOJI.length)).toBe(0);
    expect(nextIndex('a', 3, EMOJI.length)).toBeNull();
  });

  it('offers each emoji once, in full rows', () => {
    expect(new Set(EMOJI).size).toBe(EMOJI.length);
    expect(EMOJI.length % COLUMNS).toBe(0);
  });
});
