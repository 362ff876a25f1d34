import { MAX_ATTACHMENT_BYTES } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { declaredFile } from './upload-body.js';

describe('the file an upload declares [P21]', () => {
  it('takes the type whatever its case and parameters, and the length as the size', () => {
    expect(declaredFile({ 'content-length': '1234', 'content-type': 'Image/PNG; charset=binary' })).toEqual({
      ok: true,
      file: { size: 1234, type: 'image/png' },
    });
  });

  it('refuses with the status that names the fault: no length, chunked, empty, too large, other type', () => {
    const statusOf = (headers: Record<string, string>) => {
      const declared = declaredFile(headers);
      return declared.ok ? 200 : declared.refusal.status;
    };
    const png = { 'content-type': 'image/png' };
    expect(statusOf(png)).toBe(411);
    expect(statusOf({ ...png, 'transfer-encoding': 'chunked' })).toBe(411);
    expect(statusOf({ ...png, 'content-length': '0' })).toBe(400);
    expect(statusOf({ ...png, 'content-length': String(MAX_ATTACHMENT_BYTES) })).toBe(200);
    expect(statusOf({ ...png, 'content-length': String(MAX_ATTACHMENT_BYTES + 1) })).toBe(413);
    expect(statusOf({ 'content-length': '10' })).toBe(415);
    expect(statusOf({ 'content-type': 'image/svg+xml', 'content-length': '10' })).toBe(415);
  });
});
