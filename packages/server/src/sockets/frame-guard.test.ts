import { describe, expect, it } from 'vitest';
import { jsonDepth, MAX_FRAME_DEPTH } from './frame-guard.js';

describe('jsonDepth', () => {
  it('counts the nesting of arrays and objects, not brackets inside strings', () => {
    expect(jsonDepth('2["message:send",{"text":"[[[{{{"}]', MAX_FRAME_DEPTH)).toBe(2);
    expect(jsonDepth('0{"auth":{"a":[1,[2]]}}', MAX_FRAME_DEPTH)).toBe(4);
    expect(jsonDepth('2["x","a \\"[[[ b"]', MAX_FRAME_DEPTH)).toBe(1);
    expect(jsonDepth('3', MAX_FRAME_DEPTH)).toBe(0);
  });

  it('stops at the first level past the limit, however deep the rest goes', () => {
    expect(jsonDepth(`2${'['.repeat(100_000)}`, MAX_FRAME_DEPTH)).toBe(MAX_FRAME_DEPTH + 1);
  });
});
