import type { StoredMessage } from './message-targets.js';
import type { SendRecord } from './open-loop.js';

/**
 * What became of every message sent, checked against what the database holds at the end: an
 * error answer must mean the message was not kept ("refused work done later" is a message that
 * was refused, or never answered, yet stored), an OK answer must mean it was kept exactly once
 * and reached its agent once.
 */
export interface Accounting {
  sent: number;
  ok: number;
  refused: number;
  unanswered: number;
  stored: number;
  /** Should be 0: every stored message was answered OK and every OK one is stored. */
  storedMinusOk: number;
  refusedButStored: number;
  unansweredButStored: number;
  okButNotStored: number;
  /** Stored documents beyond one per (conversation, clientMsgId). */
  storedDuplicates: number;
  okButUndelivered: number;
  /** Refused, yet the agent got it: the work was done after all. */
  refusedButDelivered: number;
  duplicateDeliveries: number;
  misrouted: number;
}

const key = (conversationId: string, clientMsgId: string) => `${conversationId}:${clientMsgId}`;

/** Accounts for `records` against `stored` (which may hold other phases' messages too). */
function account(records: readonly SendRecord[], storedCounts: ReadonlyMap<string, number>): Accounting {
  const storedTimes = (r: SendRecord) => storedCounts.get(key(r.conversationId, r.clientMsgId)) ?? 0;
  const count = (matches: (r: SendRecord) => boolean) => records.filter(matches).length;
  const ok = count((r) => r.outcome === 'OK');
  const stored = records.reduce((sum, r) => sum + storedTimes(r), 0);
  return {
    sent: records.length,
    ok,
    refused: count((r) => r.outcome !== null && r.outcome !== 'OK'),
    unanswered: count((r) => r.outcome === null),
    stored,
    storedMinusOk: stored - ok,
    refusedButStored: count((r) => r.outcome !== null && r.outcome !== 'OK' && storedTimes(r) > 0),
    unansweredButStored: count((r) => r.outcome === null && storedTimes(r) > 0),
    okButNotStored: count((r) => r.outcome === 'OK' && storedTimes(r) === 0),
    storedDuplicates: records.reduce((sum, r) => sum + Math.max(0, storedTimes(r) - 1), 0),
    okButUndelivered: count((r) => r.outcome === 'OK' && r.deliveredAt === null),
    refusedButDelivered: count((r) => r.outcome !== null && r.outcome !== 'OK' && r.deliveredAt !== null),
    duplicateDeliveries: count((r) => r.deliveries > 1),
    misrouted: count((r) => r.misrouted > 0),
  };
}

/** The accounting of all records, and of each phase's. */
export function accountFor(
  records: Iterable<SendRecord>,
  stored: readonly StoredMessage[],
): { total: Accounting; byPhase: Record<string, Accounting>; storedUnknown: number } {
  const storedCounts = new Map<string, number>();
  for (const message of stored) {
    const k = key(message.conversationId, message.clientMsgId);
    storedCounts.set(k, (storedCounts.get(k) ?? 0) + 1);
  }
  const all = [...records];
  const phases = new Map<string, SendRecord[]>();
  for (const record of all) {
    const list = phases.get(record.phase) ?? [];
    list.push(record);
    phases.set(record.phase, list);
  }
  const sentKeys = new Set(all.map((r) => key(r.conversationId, r.clientMsgId)));
  return {
    total: account(all, storedCounts),
    byPhase: Object.fromEntries([...phases].map(([phase, list]) => [phase, account(list, storedCounts)])),
    /** Stored visitor messages the bench never sent: should be 0. */
    storedUnknown: stored.filter((m) => !sentKeys.has(key(m.conversationId, m.clientMsgId))).length,
  };
}

/** The problems an accounting shows, as sentences; empty when every message was kept once and delivered once. */
export function problemsOf(a: Accounting, { isStorageChecked }: { isStorageChecked: boolean }): string[] {
  const problems: string[] = [];
  const add = (n: number, what: string) => {
    if (n > 0) problems.push(`${n} ${what}`);
  };
  add(a.unanswered, 'message(s) never answered');
  add(a.refused, 'message(s) answered with an error');
  add(a.okButUndelivered, 'OK message(s) never reached the agent');
  add(a.refusedButDelivered, 'refused message(s) delivered to the agent anyway');
  add(a.duplicateDeliveries, 'message(s) delivered more than once');
  add(a.misrouted, 'message(s) delivered to the wrong agent');
  if (isStorageChecked) {
    add(a.okButNotStored, 'OK message(s) not stored (lost)');
    add(a.refusedButStored, 'refused message(s) stored anyway');
    add(a.unansweredButStored, 'unanswered message(s) stored');
    add(a.storedDuplicates, 'duplicate stored message(s)');
  }
  return problems;
}
