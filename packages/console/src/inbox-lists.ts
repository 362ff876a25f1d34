import type { ConversationSummary, Inbox } from '@hovor/protocol';

/** The lists of the inbox, each sorted for display. */
export type InboxLists = Readonly<Record<Inbox, readonly ConversationSummary[]>>;

export const EMPTY_LISTS: InboxLists = { queue: [], mine: [], closed: [], offline: [] };

/**
 * Which list a conversation belongs in for agent `meId`, or `null` when it is assigned to
 * another agent and so in none of them.
 */
export function boxOf(summary: ConversationSummary, meId: string): Inbox | null {
  switch (summary.state) {
    case 'queued':
      return 'queue';
    case 'assigned':
      return summary.agent?.id === meId ? 'mine' : null;
    case 'closed':
      return 'closed';
    case 'offline':
      return 'offline';
  }
}

const byTime = (pick: (s: ConversationSummary) => string | null, direction: 1 | -1) => {
  return (a: ConversationSummary, b: ConversationSummary): number => {
    const ta = pick(a) ?? a.createdAt;
    const tb = pick(b) ?? b.createdAt;
    return ta === tb ? 0 : (ta < tb ? -1 : 1) * direction;
  };
};

/** The queue is served first-come first-served; the other lists show the newest first. */
const ORDER: Record<Inbox, (a: ConversationSummary, b: ConversationSummary) => number> = {
  queue: byTime((s) => s.queuedAt, 1),
  mine: byTime((s) => s.assignedAt, -1),
  closed: byTime((s) => s.closedAt, -1),
  offline: byTime((s) => s.createdAt, 1),
};

export function sortBox(box: Inbox, items: readonly ConversationSummary[]): ConversationSummary[] {
  return [...items].sort(ORDER[box]);
}

function findSummary(lists: InboxLists, id: string): ConversationSummary | undefined {
  for (const items of Object.values(lists)) {
    const found = items.find((s) => s.id === id);
    if (found) return found;
  }
  return undefined;
}

/**
 * Applies a `conversation:updated` notification: the conversation leaves whichever list
 * held it and joins the one its new state calls for.
 *
 * Every state change appends an event message, so `lastSeq` never goes back; a summary
 * with a lower `lastSeq` than the one held is a late delivery and is ignored.
 */
export function applySummary(lists: InboxLists, summary: ConversationSummary, meId: string): InboxLists {
  const held = findSummary(lists, summary.id);
  if (held && held.lastSeq > summary.lastSeq) return lists;
  const target = boxOf(summary, meId);
  const next = { ...lists };
  for (const box of Object.keys(next) as Inbox[]) {
    const without = next[box].filter((s) => s.id !== summary.id);
    next[box] = box === target ? sortBox(box, [...without, summary]) : without;
  }
  return next;
}
