import type { StormVisitor } from './storm-visitor.js';

/**
 * What the reconnect storm left behind, checked against what each visitor sent: every message
 * stored exactly once in its conversation, acked with the seq it is stored under, seen by its
 * visitor (the visitor's view holds every message of the conversation a visitor may see), and
 * delivered once to an agent.
 */

/** A message the database holds (the fields the check reads). */
export interface StoredMessage {
  conversationId: string;
  clientMsgId: string;
  seq: number;
  kind: 'text' | 'event' | 'note';
  author: { type: string };
}

export interface StormAccounting {
  /** Visitor messages sent (before, in flight at the cut, written offline). */
  sent: number;
  /** Of them, stored at least once. */
  stored: number;
  /** Sent, never stored. */
  lost: number;
  /** Stored copies beyond one per (conversation, clientMsgId). */
  duplicates: number;
  /** Visitor messages stored that no visitor sent. */
  unknown: number;
  /** Acked with another seq than the one stored (a resend answered as a new message). */
  ackSeqMismatches: number;
  /** Messages (the visitor may see) of the conversations missing from the view of a visitor that synced, at the end. */
  missingFromView: number;
  /** Sent messages no agent received, and received more than once. */
  undelivered: number;
  duplicateDeliveries: number;
  /** Messages in flight at the cut that the sync after the reconnect already showed stored (resent anyway). */
  inFlightSeenInSync: number;
  /** Per conversation: stored visitor messages minus sent (0 everywhere when nothing is lost or doubled). */
  conversationsWithWrongCount: number;
  problems: string[];
}

export function verifyStorm(
  visitors: readonly StormVisitor[],
  stored: readonly StoredMessage[],
  agentDeliveries: ReadonlyMap<string, number>,
): StormAccounting {
  const byConversation = new Map<string, StoredMessage[]>();
  for (const message of stored) {
    const list = byConversation.get(message.conversationId) ?? [];
    list.push(message);
    byConversation.set(message.conversationId, list);
  }
  const a: Omit<StormAccounting, 'problems'> = {
    sent: 0,
    stored: 0,
    lost: 0,
    duplicates: 0,
    unknown: 0,
    ackSeqMismatches: 0,
    missingFromView: 0,
    undelivered: 0,
    duplicateDeliveries: 0,
    inFlightSeenInSync: 0,
    conversationsWithWrongCount: 0,
  };
  for (const visitor of visitors) {
    const messages = byConversation.get(visitor.conversationId) ?? [];
    const visitorTexts = messages.filter((m) => m.kind === 'text' && m.author.type === 'visitor');
    const copies = new Map<string, StoredMessage[]>();
    for (const m of visitorTexts) copies.set(m.clientMsgId, [...(copies.get(m.clientMsgId) ?? []), m]);
    const sentIds = new Set(visitor.sent.map((m) => m.clientMsgId));
    for (const message of visitor.sent) {
      a.sent++;
      const kept = copies.get(message.clientMsgId) ?? [];
      if (kept.length === 0) a.lost++;
      else a.stored++;
      a.duplicates += Math.max(0, kept.length - 1);
      if (kept.length > 0 && message.ackedSeq !== null && message.ackedSeq !== kept[0]!.seq)
        a.ackSeqMismatches++;
      const deliveries = agentDeliveries.get(message.clientMsgId) ?? 0;
      if (deliveries === 0) a.undelivered++;
      if (deliveries > 1) a.duplicateDeliveries++;
      if (message.phase === 'in-flight' && message.isSeenInSync) a.inFlightSeenInSync++;
    }
    a.unknown += visitorTexts.filter((m) => !sentIds.has(m.clientMsgId)).length;
    if (visitorTexts.length !== visitor.sent.length) a.conversationsWithWrongCount++;
    // Only a visitor that synced can be expected to hold its conversation (one still retrying its
    // handshake at the end never read what reached the node before the cut).
    if (visitor.syncedAt !== null)
      a.missingFromView += messages.filter((m) => m.kind !== 'note' && !visitor.view.has(m.seq)).length;
  }
  const problems: string[] = [];
  const add = (n: number, what: string) => {
    if (n > 0) problems.push(`${n} ${what}`);
  };
  add(a.lost, 'message(s) sent but never stored (lost)');
  add(a.duplicates, 'duplicate stored message(s)');
  add(a.unknown, 'stored visitor message(s) nobody sent');
  add(a.ackSeqMismatches, 'message(s) acked with another seq than stored');
  add(a.missingFromView, "message(s) missing from their visitor's view after the sync");
  add(a.undelivered, 'message(s) no agent received');
  add(a.duplicateDeliveries, 'message(s) an agent received more than once');
  return { ...a, problems };
}
