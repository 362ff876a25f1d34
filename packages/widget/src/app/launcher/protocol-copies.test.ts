import * as protocol from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import * as copies from './protocol-copies.js';

describe("the launcher's copies of protocol constants", () => {
  it('equal the protocol', () => {
    expect(copies.FRAME_SOURCE).toBe(protocol.FRAME_SOURCE);
    expect(copies.API_PREFIX).toBe(protocol.API_PREFIX);
    expect(copies.MAX_PAGE_URL_CHARS).toBe(protocol.MAX_PAGE_URL_CHARS);
    expect(copies.MAX_ATTRIBUTES).toBe(protocol.MAX_ATTRIBUTES);
    expect(copies.MAX_PAGE_TITLE_CHARS).toBe(protocol.MAX_PAGE_TITLE_CHARS);
  });
});
