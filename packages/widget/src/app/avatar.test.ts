import { describe, expect, it } from 'vitest';
import { AVATAR_COLORS, avatarColor, initialsOf } from './avatar.js';

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe('agent avatars', () => {
  it('take the first and last initial of a name, in capitals, letters only', () => {
    expect(initialsOf('Alice')).toBe('A');
    expect(initialsOf('alice nováková')).toBe('AN');
    expect(initialsOf('Jan  van der Berg')).toBe('JB');
    expect(initialsOf('Łukasz Żak')).toBe('ŁŻ');
    expect(initialsOf('  ')).toBe('?');
    expect(initialsOf('<b>1</b> Bob')).toBe('BB');
  });

  it('give an agent always the same colour, each dark enough for white initials', () => {
    expect(avatarColor('65f1c0ffee0000000000beef')).toBe(avatarColor('65f1c0ffee0000000000beef'));
    for (const color of AVATAR_COLORS) {
      expect((1.05 / (luminance(color) + 0.05)).toFixed(2), color).toSatisfy(
        (ratio: string) => Number(ratio) >= 4.5,
      );
    }
  });
});
