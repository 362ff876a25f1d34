import type { Availability } from '@hovor/protocol';
import { API_PREFIX } from './protocol-copies.js';

const MODES: ReadonlyArray<string> = ['live', 'queue', 'offline', 'hidden'];
/** How long the launcher waits for an answer before it goes on without one. */
const AVAILABILITY_TIMEOUT_MS = 5_000;

/**
 * Reads an availability answer by hand (the launcher carries no zod); `availability.test.ts` keeps
 * this reading equal to the protocol's `Availability`. Null for anything else, a refusal included.
 */
export function readAvailability(body: unknown): Availability | null {
  const b = body as { ok?: unknown; data?: { mode?: unknown; offlineText?: unknown } } | null;
  const d = b?.ok === true ? b.data : undefined;
  return d &&
    Object.keys(d).length === 2 &&
    typeof d.mode === 'string' &&
    MODES.includes(d.mode) &&
    typeof d.offlineText === 'string'
    ? { mode: d.mode as Availability['mode'], offlineText: d.offlineText }
    : null;
}

/**
 * [P22] Asks what the site (or the page's department) offers a page of `hostOrigin` now, in the
 * launcher's language; null when it cannot be learned (the launcher then stays as it is).
 */
export async function loadAvailability(
  siteKey: string,
  hostOrigin: string,
  departmentId: string | null,
  locale: string,
): Promise<Availability | null> {
  const query = new URLSearchParams({ origin: hostOrigin, locale });
  if (departmentId) query.set('departmentId', departmentId);
  // A launcher waiting for its first answer is not shown: an answer that hangs counts as none.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), AVAILABILITY_TIMEOUT_MS);
  try {
    const res = await fetch(`${API_PREFIX}/sites/${encodeURIComponent(siteKey)}/availability?${query}`, {
      signal: abort.signal,
    });
    return readAvailability(await res.json());
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
