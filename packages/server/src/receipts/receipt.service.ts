import type { Receipt, ReceiptSide, SetReceiptInput } from '@hovor/protocol';
import type { Conversation, ConversationRepository } from '../conversations/conversation.repository.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { ReceiptRepository } from './receipt.repository.js';

/**
 * Delivered and read receipts [P13]: each side's clients report how far they have received and
 * shown a conversation; the other side hears when that grows.
 */
export function createReceiptService(deps: {
  receipts: ReceiptRepository;
  conversations: Pick<ConversationRepository, 'findById'>;
  notifier: Notifier;
  clock: Clock;
}) {
  return {
    list: (conversationId: string) => deps.receipts.list(conversationId),

    /**
     * Records a report of `side` about `conversation` (already authorized by the caller). A
     * report past the conversation's last message is cut to it, and whatever was read was also
     * delivered. Announces only a receipt that grew.
     */
    async report(known: Conversation, side: ReceiptSide, input: SetReceiptInput): Promise<Receipt> {
      // A report past what this node knows of the conversation (messages written on another
      // node) is checked against the store before it is cut.
      const conversation =
        input.deliveredSeq > known.lastSeq ? ((await deps.conversations.findById(known.id)) ?? known) : known;
      const readSeq = Math.min(input.readSeq, conversation.lastSeq);
      const deliveredSeq = Math.min(Math.max(input.deliveredSeq, readSeq), conversation.lastSeq);
      const before = await deps.receipts.find(conversation.id, side);
      if (deliveredSeq <= before.deliveredSeq && readSeq <= before.readSeq) return before;
      const after = await deps.receipts.raise(
        { conversationId: conversation.id, side, deliveredSeq, readSeq },
        deps.clock.now(),
      );
      deps.notifier.receiptChanged(conversation, after);
      return after;
    },
  };
}
export type ReceiptService = ReturnType<typeof createReceiptService>;
