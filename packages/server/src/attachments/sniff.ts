import type { AttachmentType } from '@hovor/protocol';

/** The first bytes each accepted type starts with; a file whose bytes say otherwise is refused. */
const SIGNATURES: Record<AttachmentType, (b: Uint8Array) => boolean> = {
  'image/png': (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': (b) => starts(b, [0xff, 0xd8, 0xff]),
  'image/gif': (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'),
  'image/webp': (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP'),
  'application/pdf': (b) => ascii(b, 0, '%PDF-'),
};

const starts = (b: Uint8Array, bytes: number[]) => bytes.every((byte, i) => b[i] === byte);
const ascii = (b: Uint8Array, at: number, text: string) =>
  [...text].every((char, i) => b[at + i] === char.charCodeAt(0));

/** [P21] Whether the bytes are what the declared type says (the declared type alone is trusted by no one). */
export function matchesType(bytes: Uint8Array, type: AttachmentType): boolean {
  return SIGNATURES[type](bytes);
}

/**
 * A file name safe to store and show: no path, no control characters, at most `max` characters;
 * "file" when nothing is left.
 */
export function cleanFileName(name: string, max: number): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters, and format characters such as bidi overrides that disguise a name.
  const clean = base.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  return [...(clean || 'file')].slice(0, max).join('');
}
