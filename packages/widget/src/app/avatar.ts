/** Dark enough for white initials to pass WCAG AA contrast (4.5:1) on every one. */
export const AVATAR_COLORS = ['#1d4ed8', '#047857', '#6d28d9', '#9a3412', '#be123c', '#0f766e'];

/** Up to two initials of a name ("Alice Nováková" → "AN"); "?" without letters. */
export function initialsOf(name: string): string {
  const letters = name
    .split(/\s+/)
    .map((word) => word.match(/\p{L}/u)?.[0] ?? '')
    .filter(Boolean);
  const initials = letters.length > 1 ? letters[0]! + letters[letters.length - 1]! : (letters[0] ?? '?');
  return initials.toLocaleUpperCase();
}

/** The same agent always gets the same colour. */
export function avatarColor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return AVATAR_COLORS[hash % AVATAR_COLORS.length]!;
}
