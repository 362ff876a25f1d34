import type { Receipt } from '@hovor/protocol';
import { signal } from '@preact/signals';

/** Both sides' receipts of one conversation, as far as this console has heard. */
export interface ConversationReceipts {
  visitor: Receipt | null;
  agent: Receipt | null;
}

/**
 * The larger of two receipts of the same side, field by field: receipts only grow [P13], so a
 * late or reordered notification never takes a message back from read to delivered.
 */
export function mergeReceipt(held: Receipt | null, incoming: Receipt): Receipt {
  if (!held) return incoming;
  return {
    ...incoming,
    deliveredSeq: Math.max(held.deliveredSeq, incoming.deliveredSeq),
    readSeq: Math.max(held.readSeq, incoming.readSeq),
  };
}

export type ReceiptsState = ReturnType<typeof createReceiptsState>;

/** Receipts per conversation, from `conversation:open` results and `receipt:updated` notifications. */
export function createReceiptsState() {
  const byConversation = signal<ReadonlyMap<string, ConversationReceipts>>(new Map());

  function apply(receipts: readonly Receipt[]): void {
    if (receipts.length === 0) return;
    const next = new Map(byConversation.value);
    for (const receipt of receipts) {
      const held = next.get(receipt.conversationId) ?? { visitor: null, agent: null };
      next.set(receipt.conversationId, {
        ...held,
        [receipt.side]: mergeReceipt(held[receipt.side], receipt),
      });
    }
    byConversation.value = next;
  }

  /** The visitor side's receipt of a conversation, or `null` before any was heard. */
  function visitorOf(conversationId: string | null): Receipt | null {
    return conversationId ? (byConversation.value.get(conversationId)?.visitor ?? null) : null;
  }

  return {
    byConversation,
    apply,
    visitorOf,
    clear: () => (byConversation.value = new Map()),
  };
}
