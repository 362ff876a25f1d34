import type { Message, Receipt } from '@hovor/protocol';
import { fill, type I18n } from './i18n.js';

/** A message the visitor wrote that the server has not confirmed yet. */
export interface PendingMessage {
  clientMsgId: string;
  text: string;
  isFailed: boolean;
}

/**
 * Adds confirmed messages to a transcript: one entry per id, sorted by `seq`, only those of
 * `conversationId` (a late notification of a previous conversation must not leak in).
 */
export function mergeMessages(
  current: readonly Message[],
  incoming: readonly Message[],
  conversationId: string,
): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) {
    if (m.conversationId === conversationId) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** Drops the pending messages that the server has now confirmed, matched by `clientMsgId`. */
export function settlePending(
  pending: readonly PendingMessage[],
  confirmed: readonly Message[],
): PendingMessage[] {
  const ids = new Set(confirmed.map((m) => m.clientMsgId));
  return pending.filter((p) => !ids.has(p.clientMsgId));
}

/** How far the visitor's own stored message got: to a device of the agent side, or read [P13]. */
export function ownMessageState(message: Message, receipt: Receipt | null): 'read' | 'delivered' | 'sent' {
  if (receipt && receipt.readSeq >= message.seq) return 'read';
  return receipt && receipt.deliveredSeq >= message.seq ? 'delivered' : 'sent';
}

/** The highest `seq` received, to resume a sync from. */
export function lastSeqOf(messages: readonly Message[]): number {
  return messages.at(-1)?.seq ?? 0;
}

/** The centred line that stands for a conversation event. */
export function eventText({ t }: I18n, message: Message): string {
  const name = message.event?.agentName ?? t.anAgent;
  switch (message.event?.type) {
    case 'assigned':
      return fill(t.connected, { name });
    case 'requeued':
      return t.requeued;
    case 'offline':
      return t.left;
    case 'reopened':
      return fill(t.reopened, { name });
    case 'transferred':
      return message.event.agentName ? fill(t.connected, { name }) : t.transferring;
    case 'closed':
      return message.event.reason === 'inactivity' ? t.endedInactive : t.ended;
    default:
      return t.started;
  }
}
