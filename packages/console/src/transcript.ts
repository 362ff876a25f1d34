import type { EventReason, Message } from '@hovor/protocol';

/**
 * Merges messages into a transcript: one entry per id (the incoming copy wins, being the
 * newer word of the server), ordered by `seq`.
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return [...existing];
  const byId = new Map<string, Message>();
  for (const message of existing) byId.set(message.id, message);
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The seq up to which every message is held (agents see every seq, 1, 2, 3, …): a resync asks
 * for what follows [P8]. Not the highest seq held, since a notification may overtake an earlier
 * one and a cut fall between them.
 */
export function heldThroughSeq(messages: readonly Message[]): number {
  let held = 0;
  for (const message of messages) if (message.seq === held + 1) held = message.seq;
  return held;
}

/** The highest `seq` held, or 0 for an empty transcript (seqs start at 1). */
export function lastSeqOf(messages: readonly Message[]): number {
  return messages.at(-1)?.seq ?? 0;
}

const REQUEUE_REASONS: Record<EventReason, string> = {
  'agent-disconnected': 'the agent lost the connection',
  'no-first-reply': 'no first reply in time',
  'agent-away': 'the agent went away',
  inactivity: 'inactivity',
};

/** The line a conversation event renders as, e.g. "Assigned to Alice". */
export function eventText(message: Message): string {
  const event = message.event;
  if (!event) return message.text;
  switch (event.type) {
    case 'queued':
      return 'Waiting in the queue';
    case 'assigned':
      return event.agentName ? `Assigned to ${event.agentName}` : 'Assigned to an agent';
    case 'requeued':
      return `Back in the queue (${REQUEUE_REASONS[event.reason ?? 'agent-disconnected']})`;
    case 'transferred':
      return event.agentName ? `Transferred to ${event.agentName}` : 'Transferred to another department';
    case 'offline':
      return 'Message left while the team was away';
    case 'reopened':
      return event.agentName ? `Reopened by ${event.agentName}` : 'Reopened';
    case 'closed':
      return event.reason === 'inactivity' ? 'Conversation closed after inactivity' : 'Conversation closed';
  }
}

/** The name shown above a message. */
export function authorName(message: Message, visitorName: string): string {
  if (message.author.name) return message.author.name;
  switch (message.author.type) {
    case 'visitor':
      return visitorName;
    case 'agent':
      return 'Agent';
    case 'system':
      return 'Hovor';
  }
}
