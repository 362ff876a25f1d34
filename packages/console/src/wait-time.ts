/** How often the queue's waiting times are redrawn, in ms. */
export const WAIT_TICK_MS = 1_000;

const twoDigits = (n: number) => String(n).padStart(2, '0');

/**
 * How long a visitor has been waiting since `sinceIso`, as `m:ss`, or `h:mm:ss` past an hour.
 *
 * @example
 * formatWait('2025-01-01T10:00:00Z', Date.parse('2025-01-01T10:02:05Z')); // "2:05"
 */
export function formatWait(sinceIso: string, nowMs: number): string {
  const since = Date.parse(sinceIso);
  if (Number.isNaN(since)) return '';
  // The server stamps `queuedAt`; a browser clock a little behind it must not show a negative wait.
  const seconds = Math.max(0, Math.floor((nowMs - since) / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const tail = twoDigits(seconds % 60);
  return hours > 0 ? `${hours}:${twoDigits(minutes % 60)}:${tail}` : `${minutes}:${tail}`;
}
