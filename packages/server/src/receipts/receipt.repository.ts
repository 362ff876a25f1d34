import type { Receipt, ReceiptSide } from '@hovor/protocol';
import type { Collections, ReceiptDoc } from '../db/collections.js';
import { upsertOne } from '../db/upsert.js';

const receiptId = (conversationId: string, side: ReceiptSide) => `${conversationId}:${side}`;

function toReceipt(doc: ReceiptDoc): Receipt {
  return {
    conversationId: doc.conversationId,
    side: doc.side,
    deliveredSeq: doc.deliveredSeq,
    readSeq: doc.readSeq,
  };
}

/** Nothing received, nothing read: the receipt of a side that has not reported yet. */
export const emptyReceipt = (conversationId: string, side: ReceiptSide): Receipt => ({
  conversationId,
  side,
  deliveredSeq: 0,
  readSeq: 0,
});

export function createReceiptRepository(c: Collections) {
  async function find(conversationId: string, side: ReceiptSide): Promise<Receipt> {
    const doc = await c.receipts.findOne({ _id: receiptId(conversationId, side) });
    return doc ? toReceipt(doc) : emptyReceipt(conversationId, side);
  }

  return {
    find,

    /** Both sides' receipts; a side that never reported reads as zeros. */
    list(conversationId: string): Promise<Receipt[]> {
      // Two lookups by `_id`.
      return Promise.all([find(conversationId, 'visitor'), find(conversationId, 'agent')]);
    },

    /**
     * Raises the stored receipt to `next` where it is higher (`$max`, so a late report cannot
     * lower it) and returns what is stored. A concurrent raise on the embedded database may
     * keep the lower of two values; the next report of that side corrects it.
     */
    async raise(next: Receipt, now: Date): Promise<Receipt> {
      const _id = receiptId(next.conversationId, next.side);
      await upsertOne(
        c.receipts,
        { _id },
        {
          $max: { deliveredSeq: next.deliveredSeq, readSeq: next.readSeq },
          $set: { conversationId: next.conversationId, side: next.side, updatedAt: now },
        },
      );
      return find(next.conversationId, next.side);
    },
  };
}
export type ReceiptRepository = ReturnType<typeof createReceiptRepository>;
