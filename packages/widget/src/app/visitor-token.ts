import { AckOf, API_PREFIX, CreatedVisitor, type CreateVisitorBody, VisitorToken } from '@hovor/protocol';
import { sleep, WidgetError, withRetry } from './retry.js';
import type { KeyValueStore } from './storage.js';

const CreatedVisitorAck = AckOf(CreatedVisitor);

/** The only key the frame persists: the visitor's token for one site. */
export const tokenKey = (siteKey: string) => `hovor:v1:${siteKey}:token`;

/** The stored token of this site's visitor, or null when absent or malformed. */
export function readToken(store: KeyValueStore, siteKey: string): string | null {
  const parsed = VisitorToken.safeParse(store.get(tokenKey(siteKey)));
  return parsed.success ? parsed.data : null;
}

export function forgetToken(store: KeyValueStore, siteKey: string): void {
  store.remove(tokenKey(siteKey));
}

/** Creates an anonymous visitor (same-origin POST) and stores its token. */
export async function createVisitorToken(store: KeyValueStore, body: CreateVisitorBody): Promise<string> {
  const created = await withRetry(
    async () => {
      const res = await fetch(`${API_PREFIX}/visitors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const parsed = CreatedVisitorAck.safeParse(await res.json());
      if (!parsed.success) {
        throw new WidgetError('INTERNAL', `unexpected answer to POST /visitors (HTTP ${res.status})`);
      }
      return parsed.data;
    },
    { sleep },
  );
  store.set(tokenKey(body.siteKey), created.token);
  return created.token;
}
