import type { StoredMessage } from './message.repository.js';

/** Newest messages a node keeps per conversation, to answer a resync without a read. */
export const RECENT_MESSAGES_PER_CONVERSATION = 32;
/** Conversations whose newest messages a node keeps (least recently written ones go first). */
export const MAX_RECENT_CONVERSATIONS = 2_000;

/**
 * The newest messages this node stored, per conversation. Messages never change once stored,
 * so what is held is exact; whether it is complete is for the caller to know (one writer).
 * A client back from a cut usually missed a message or two: they come from here, not from a
 * read of the whole conversation (the embedded database sorts in memory).
 */
export function createRecentMessages(
  perConversation = RECENT_MESSAGES_PER_CONVERSATION,
  maxConversations = MAX_RECENT_CONVERSATIONS,
) {
  const byConversation = new Map<string, Map<number, StoredMessage>>();

  return {
    add(message: StoredMessage): void {
      const held = byConversation.get(message.conversationId) ?? new Map<number, StoredMessage>();
      byConversation.delete(message.conversationId);
      byConversation.set(message.conversationId, held);
      held.set(message.seq, message);
      if (held.size > perConversation) held.delete(Math.min(...held.keys()));
      if (byConversation.size > maxConversations) byConversation.delete(byConversation.keys().next().value!);
    },

    /** A held message by its id (a resend finds its message without a read). */
    findById(conversationId: string, id: string): StoredMessage | null {
      for (const message of byConversation.get(conversationId)?.values() ?? []) {
        if (message.id === id) return message;
      }
      return null;
    },

    /** The messages with `afterSeq < seq <= lastSeq`, in order, if every one of them is held; else null. */
    between(conversationId: string, afterSeq: number, lastSeq: number): StoredMessage[] | null {
      const held = byConversation.get(conversationId);
      if (!held || lastSeq - afterSeq > held.size) return null;
      const messages: StoredMessage[] = [];
      for (let seq = afterSeq + 1; seq <= lastSeq; seq++) {
        const message = held.get(seq);
        if (!message) return null;
        messages.push(message);
      }
      return messages;
    },
  };
}
