import type { Filter } from 'mongodb';
import type { Collections, MessageDoc } from '../db/collections.js';
import { newId } from '../db/ids.js';
import { AppError, isDuplicateKey } from '../errors.js';

export type StoredMessage = Omit<MessageDoc, '_id'> & { id: string };

export type NewMessage = Omit<StoredMessage, 'id' | 'seq' | 'createdAt'>;

function toMessage(doc: MessageDoc): StoredMessage {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

/** Attempts before an append under heavy contention gives up with a retryable error. */
const MAX_APPEND_ATTEMPTS = 50;
/** Conversations whose last seq this node remembers; a hint only, the unique index decides. */
const MAX_SEQ_HINTS = 10_000;

export function createMessageRepository(c: Collections) {
  async function findByClientMsgId(
    conversationId: string,
    clientMsgId: string,
  ): Promise<StoredMessage | null> {
    const doc = await c.messages.findOne({ conversationId, clientMsgId });
    return doc ? toMessage(doc) : null;
  }

  async function lastSeq(conversationId: string): Promise<number> {
    const [last] = await c.messages.find({ conversationId }).sort({ seq: -1 }).limit(1).toArray();
    return last?.seq ?? 0;
  }

  // Reading the last seq sorts the whole conversation on the embedded database, so the
  // common case (this node wrote the last message) skips it; a stale hint costs one retry.
  const seqHints = new Map<string, number>();
  function rememberSeq(conversationId: string, seq: number): void {
    seqHints.delete(conversationId);
    seqHints.set(conversationId, seq);
    if (seqHints.size > MAX_SEQ_HINTS) seqHints.delete(seqHints.keys().next().value!);
  }

  return {
    findByClientMsgId,

    /**
     * Appends a message with the next seq. The two unique indexes are the arbiters: a known
     * `clientMsgId` returns the stored message (`isNew: false`); a taken seq means another
     * writer won it, so re-read and try the next one.
     */
    async append(message: NewMessage, now: Date): Promise<{ message: StoredMessage; isNew: boolean }> {
      for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
        const existing = await findByClientMsgId(message.conversationId, message.clientMsgId);
        if (existing) return { message: existing, isNew: false };
        const hint = seqHints.get(message.conversationId);
        const previous = hint ?? (await lastSeq(message.conversationId));
        const doc: MessageDoc = { _id: newId(), ...message, seq: previous + 1, createdAt: now };
        try {
          await c.messages.insertOne(doc);
          rememberSeq(message.conversationId, doc.seq);
          return { message: toMessage(doc), isNew: true };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          seqHints.delete(message.conversationId);
        }
      }
      throw new AppError('UNAVAILABLE', 'The conversation is busy; retry the message');
    },

    /** Whether an agent wrote in the conversation at or after `since` (first-reply SLA). */
    async hasAgentTextSince(conversationId: string, since: Date): Promise<boolean> {
      const replies = await c.messages
        .find({ conversationId, kind: 'text', 'author.type': 'agent' })
        .toArray();
      return replies.some((reply) => reply.createdAt >= since);
    },

    /** Time of the newest message, from the messages themselves. */
    async lastMessageAt(conversationId: string): Promise<Date | null> {
      const [last] = await c.messages.find({ conversationId }).sort({ seq: -1 }).limit(1).toArray();
      return last?.createdAt ?? null;
    },

    /**
     * Messages with seq > afterSeq in order, at most `limit`, and whether more follow. Visitors
     * never see internal notes.
     */
    async listAfter(conversationId: string, afterSeq: number, limit: number, audience: 'agent' | 'visitor') {
      const filter: Filter<MessageDoc> = { conversationId, seq: { $gt: afterSeq } };
      if (audience === 'visitor') filter.kind = { $ne: 'note' };
      const docs = await c.messages
        .find(filter)
        .sort({ seq: 1 })
        .limit(limit + 1)
        .toArray();
      return { messages: docs.slice(0, limit).map(toMessage), hasMore: docs.length > limit };
    },
  };
}
export type MessageRepository = ReturnType<typeof createMessageRepository>;
