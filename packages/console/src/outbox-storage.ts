import { ClientId, Id, IsoDate, MAX_MESSAGE_TEXT_CHARS, MAX_NOTE_CHARS } from '@hovor/protocol';
import { z } from 'zod/mini';
import type { KeyValueStore } from './storage';

/**
 * What of an unconfirmed reply or note is written to storage: these keys only (`z.object` drops
 * any other), never its status or error. Read back, it is parsed like any input from outside.
 */
export const StoredPendingMessage = z.object({
  clientMsgId: ClientId,
  conversationId: Id,
  /** `note`: an internal note, for agents only [P12]. */
  kind: z.enum(['text', 'note']),
  text: z.string().check(z.minLength(1), z.maxLength(Math.max(MAX_MESSAGE_TEXT_CHARS, MAX_NOTE_CHARS))),
  createdAt: IsoDate,
});
export type StoredPendingMessage = z.infer<typeof StoredPendingMessage>;

/** One list per agent, so a colleague signing in on the same browser never sends another's words. */
export function outboxStorageKey(agentId: string): string {
  return `hovor.console.outbox.v1.${agentId}`;
}

/** The agent's stored outbox, oldest first; unreadable entries are dropped, the rest kept. */
export function readOutbox(storage: KeyValueStore, agentId: string): StoredPendingMessage[] {
  const raw = storage.get(outboxStorageKey(agentId));
  if (raw === null) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    return []; // not ours or truncated: nothing in it can be trusted
  }
  if (!Array.isArray(list)) return [];
  const seen = new Set<string>();
  const entries: StoredPendingMessage[] = [];
  for (const item of list) {
    const parsed = StoredPendingMessage.safeParse(item);
    if (!parsed.success || seen.has(parsed.data.clientMsgId)) continue;
    seen.add(parsed.data.clientMsgId);
    entries.push(parsed.data);
  }
  return entries;
}

/** Writes the allowlisted keys of `entries`; an empty outbox leaves no key behind. */
export function writeOutbox(
  storage: KeyValueStore,
  agentId: string,
  entries: readonly StoredPendingMessage[],
): void {
  const key = outboxStorageKey(agentId);
  if (entries.length === 0) {
    storage.remove(key);
    return;
  }
  const allowed = entries.map(({ clientMsgId, conversationId, kind, text, createdAt }) => ({
    clientMsgId,
    conversationId,
    kind,
    text,
    createdAt,
  }));
  storage.set(key, JSON.stringify(allowed));
}
