import type {
  Availability,
  ErrorBody,
  Message,
  QueuePosition,
  Rating,
  Receipt,
  VisitorConversation,
} from '@hovor/protocol';
import { lastSeqOf, mergeMessages, type PendingMessage, settlePending } from './messages.js';

/**
 * `offline` shows the "reconnecting…" notice, `restored` briefly "back online" after it;
 * `failed` means the server refused the visitor.
 */
export type Connection = 'connecting' | 'online' | 'offline' | 'restored' | 'failed';

export interface ChatSnapshot {
  conversation: VisitorConversation | null;
  /** Confirmed messages of `conversation`, sorted by seq. */
  messages: readonly Message[];
  /**
   * Every message up to this seq is held: a resync asks for what follows [P8]. Not simply the
   * highest seq seen, since a notification may overtake an earlier one and a cut fall between.
   */
  syncedSeq: number;
  pending: readonly PendingMessage[];
  /** How far the agent side has received and read `conversation` [P13]. */
  receipt: Receipt | null;
  /** How far this visitor has read `conversation` (any of their tabs), as the server stored it. */
  readSeq: number;
  /** The visitor's rating of `conversation`, once given [P17]. */
  rating: Rating | null;
  /** Name of the agent who is typing, if one is. */
  agentTyping: string | null;
  /** The latest place in the queue of `conversation`, while it is queued. */
  queue: QueuePosition | null;
  connection: Connection;
  /** Why the chat cannot work (handshake refused), shown instead of the composer. */
  fatal: ErrorBody | null;
  /** What the site offers while no conversation is open; null until asked (the composer shows). */
  availability: Availability | null;
  /** What the visitor wrote when a start was refused as offline: it prefills the form's Message. */
  draft: string;
  /** Whether the visitor answered the site's pre-chat form on this page [P20]. */
  hasAnsweredPreChat: boolean;
  /** Files on their way: uploading, then sent as messages [P21]. */
  uploads: ReadonlyArray<{ clientMsgId: string; name: string }>;
  /** Why the last file was not sent (a text key), until the next one. */
  fileError: 'fileType' | 'fileSize' | 'fileFailed' | null;
}

export const INITIAL_SNAPSHOT: ChatSnapshot = {
  conversation: null,
  messages: [],
  syncedSeq: 0,
  pending: [],
  receipt: null,
  readSeq: 0,
  rating: null,
  agentTyping: null,
  queue: null,
  connection: 'connecting',
  fatal: null,
  availability: null,
  draft: '',
  hasAnsweredPreChat: false,
  uploads: [],
  fileError: null,
};

/** Switches to `conversation`; another conversation than the shown one starts a fresh transcript. */
export function withConversation(s: ChatSnapshot, conversation: VisitorConversation): ChatSnapshot {
  const isSame = s.conversation?.id === conversation.id;
  return {
    ...s,
    conversation,
    messages: isSame ? s.messages : [],
    syncedSeq: isSame ? s.syncedSeq : 0,
    receipt: isSame ? s.receipt : null,
    readSeq: isSame ? s.readSeq : 0,
    rating: isSame ? s.rating : null,
    agentTyping: isSame && conversation.state !== 'closed' ? s.agentTyping : null,
    // Only a waiting conversation has a place; assignment or closing ends it.
    queue: isSame && conversation.state === 'queued' ? s.queue : null,
  };
}

/**
 * Keeps a receipt of the shown conversation if it is newer: the agent side's (shown as "Read"), or
 * the visitor's own read position (for the unread count).
 */
export function withReceipt(s: ChatSnapshot, receipt: Receipt | undefined): ChatSnapshot {
  if (!receipt || receipt.conversationId !== s.conversation?.id) return s;
  if (receipt.side === 'visitor') {
    return receipt.readSeq > s.readSeq ? { ...s, readSeq: receipt.readSeq } : s;
  }
  const held = s.receipt;
  return held && held.deliveredSeq >= receipt.deliveredSeq && held.readSeq >= receipt.readSeq
    ? s
    : { ...s, receipt };
}

/** Keeps the rating of the shown conversation. */
export const withRating = (s: ChatSnapshot, rating: Rating | null): ChatSnapshot =>
  rating && rating.conversationId === s.conversation?.id ? { ...s, rating } : s;

/** Whether the shown conversation has ended after an agent answered it, so it can be rated. */
export const isRateable = (s: ChatSnapshot) => s.conversation?.state === 'closed' && !!s.conversation.agent;

/** Keeps a `queue:position` if it is about the shown conversation and that one still waits. */
export function withQueuePosition(s: ChatSnapshot, queue: QueuePosition): ChatSnapshot {
  const c = s.conversation;
  return c?.id === queue.conversationId && c.state === 'queued' ? { ...s, queue } : s;
}

/**
 * Adds confirmed messages and settles the optimistic ones they confirm. A sync page (`isPage`) is
 * complete up to its last message; other messages extend what is held only without a gap.
 */
export function withMessages(s: ChatSnapshot, incoming: readonly Message[], isPage = false): ChatSnapshot {
  if (incoming.length === 0) return s;
  const hasAgentSpoken = incoming.some((m) => m.author.type === 'agent');
  const messages = s.conversation ? mergeMessages(s.messages, incoming, s.conversation.id) : s.messages;
  let syncedSeq = isPage && s.conversation ? Math.max(s.syncedSeq, lastSeqOf(incoming)) : s.syncedSeq;
  for (const m of messages) if (m.seq === syncedSeq + 1) syncedSeq = m.seq;
  return {
    ...s,
    messages,
    syncedSeq,
    pending: settlePending(s.pending, incoming),
    agentTyping: hasAgentSpoken ? null : s.agentTyping,
  };
}

export function withPending(
  s: ChatSnapshot,
  clientMsgId: string,
  patch: Partial<PendingMessage>,
): ChatSnapshot {
  return { ...s, pending: s.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...patch } : p)) };
}

/** The agent's messages this visitor has not read yet. */
export const unreadCount = (s: ChatSnapshot): number =>
  s.messages.filter((m) => m.author.type === 'agent' && m.seq > s.readSeq).length;

/** Whether the host page should reopen the chat on its next load. */
export const isConversationActive = (s: ChatSnapshot) =>
  s.conversation !== null && s.conversation.state !== 'closed';

/**
 * What the frame shows: the chat, the leave-a-message form, or only a short notice. An open
 * conversation goes on whatever the availability; without one the site's mode decides [RT17].
 */
export function chatView(s: ChatSnapshot): 'chat' | 'offline' | 'hidden' {
  const mode = s.availability?.mode;
  return isConversationActive(s) || mode === 'live' || mode === 'queue' || !mode ? 'chat' : mode;
}

/**
 * A start refused because the team went offline: the unsent message leaves the transcript for
 * the form's Message field, and the form shows.
 */
export function withRefusedStart(
  s: ChatSnapshot,
  clientMsgId: string,
  availability: Availability,
): ChatSnapshot {
  const text = s.pending.find((p) => p.clientMsgId === clientMsgId)?.text;
  return {
    ...s,
    availability,
    pending: s.pending.filter((p) => p.clientMsgId !== clientMsgId),
    draft: text ? (s.draft ? `${s.draft}\n${text}` : text) : s.draft,
  };
}

/** The frame's one store: a snapshot replaced on every change, and its listeners. */
export function createChatState(initial: ChatSnapshot = INITIAL_SNAPSHOT) {
  let snapshot = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => snapshot,
    update(change: (s: ChatSnapshot) => ChatSnapshot): void {
      const next = change(snapshot);
      if (next === snapshot) return;
      snapshot = next;
      for (const listener of listeners) listener();
    },
    /** Returns the disposer. */
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
export type ChatState = ReturnType<typeof createChatState>;
