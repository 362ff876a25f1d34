import type { Filter } from 'mongodb';
import type { Collections, MessageDoc } from '../db/collections.js';
import { createGroupInsert } from '../db/group-insert.js';
import { AppError, isDuplicateKey } from '../errors.js';
import { createTurns } from '../turns.js';
import { createRecentMessages } from './recent-messages.js';

export type StoredMessage = Omit<MessageDoc, '_id'> & { id: string };

export type NewMessage = Omit<StoredMessage, 'id' | 'seq' | 'createdAt'>;

function toMessage(doc: MessageDoc): StoredMessage {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

/** Attempts before an append under heavy contention gives up with a retryable error. */
const MAX_APPEND_ATTEMPTS = 50;
/** Seqs probed one by one past a stale hint before the last seq is read from the messages. */
const MAX_SEQ_PROBES = 8;
/** Conversations whose last seq this node remembers; a hint only, the unique index decides. */
const MAX_SEQ_HINTS = 10_000;

/**
 * A message's `_id`: its conversation and its `clientMsgId`. The primary key then makes a
 * retried send find the stored message in one lookup by `_id` [P5].
 */
export const messageId = (conversationId: string, clientMsgId: string) => `${conversationId}:${clientMsgId}`;

/** The sender of a message as far as idempotency goes: its kind and who wrote it. */
type Sender = Pick<StoredMessage, 'kind' | 'author'>;

/**
 * Whether a stored message was written by `sender`: the same kind and the same author (a
 * conversation has one visitor, so every visitor message of it is that visitor's) [P23].
 */
export function isSameSender(stored: Sender, sender: Sender): boolean {
  return (
    stored.kind === sender.kind &&
    stored.author.type === sender.author.type &&
    (stored.author.type === 'visitor' || stored.author.id === sender.author.id)
  );
}

/** [P23] A message id taken by another sender is answered CONFLICT, never with that message. */
function ownedBy(stored: StoredMessage, sender: Sender): StoredMessage {
  if (!isSameSender(stored, sender)) {
    throw new AppError('CONFLICT', 'This clientMsgId is taken in this conversation; use a new one');
  }
  return stored;
}

export function createMessageRepository(
  c: Collections,
  options: {
    /**
     * This node writes every message (one node, no Redis): the last seq it wrote of a
     * conversation is then the conversation's last seq, and a sync with nothing newer needs no
     * read at all. Several nodes must not set it.
     */
    isOnlyWriter: boolean;
  },
) {
  async function findByClientMsgId(
    conversationId: string,
    clientMsgId: string,
  ): Promise<StoredMessage | null> {
    const id = messageId(conversationId, clientMsgId);
    const held = recent.findById(conversationId, id);
    if (held) return held;
    const doc = await c.messages.findOne({ _id: id });
    return doc ? toMessage(doc) : null;
  }

  async function lastSeq(conversationId: string): Promise<number> {
    const [last] = await c.messages.find({ conversationId }).sort({ seq: -1 }).limit(1).toArray();
    return last?.seq ?? 0;
  }

  // Reading the last seq reads all of the conversation's messages on the embedded database (it
  // sorts in memory), so the append starts from what this node last wrote or the
  // conversation's cached last seq, and a taken seq costs one failed insert; only a long run of
  // those reads the messages.
  const seqHints = new Map<string, number>();
  const recent = createRecentMessages();
  function rememberSeq(conversationId: string, seq: number): void {
    const known = seqHints.get(conversationId) ?? 0;
    seqHints.delete(conversationId);
    // Concurrent appends finish in any order: the hint only grows.
    seqHints.set(conversationId, Math.max(known, seq));
    if (seqHints.size > MAX_SEQ_HINTS) seqHints.delete(seqHints.keys().next().value!);
  }

  const appendTurns = createTurns();
  /** Messages of different conversations arriving together are written with one insert. */
  const inserts = createGroupInsert(c.messages);

  async function insertNext(
    message: NewMessage,
    now: Date,
    knownLastSeq: number,
  ): Promise<{ message: StoredMessage; isNew: boolean }> {
    const { conversationId } = message;
    const _id = messageId(conversationId, message.clientMsgId);
    let previous = Math.max(seqHints.get(conversationId) ?? 0, knownLastSeq);
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const doc: MessageDoc = { _id, ...message, seq: previous + 1, createdAt: now };
      try {
        await inserts.insert(doc);
        const stored = toMessage(doc);
        recent.add(stored);
        rememberSeq(conversationId, doc.seq);
        return { message: stored, isNew: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = await findByClientMsgId(conversationId, message.clientMsgId);
      if (existing) return { message: ownedBy(existing, message), isNew: false };
      if (attempt % MAX_SEQ_PROBES !== 0) {
        previous += 1;
        continue;
      }
      // A long run of taken seqs: read the truth (two reads, rare). A message stored before ids
      // were derived is found by the unique index only, and so by its fields here.
      const legacy = await c.messages.findOne({ conversationId, clientMsgId: message.clientMsgId });
      if (legacy) return { message: ownedBy(toMessage(legacy), message), isNew: false };
      previous = await lastSeq(conversationId);
    }
    throw new AppError('UNAVAILABLE', 'The conversation is busy; retry the message');
  }

  return {
    /** [P5][P23] The message `sender` stored under `clientMsgId`; null if none, CONFLICT if another's. */
    async findOwn(
      conversationId: string,
      clientMsgId: string,
      sender: Sender,
    ): Promise<StoredMessage | null> {
      const stored = await findByClientMsgId(conversationId, clientMsgId);
      return stored && ownedBy(stored, sender);
    },

    /**
     * Appends a message with the next seq. The store is the arbiter: the `_id` (derived from the
     * `clientMsgId`) already taken returns the stored message (`isNew: false`) when the same
     * sender wrote it, CONFLICT otherwise [P23]; the seq taken
     * means another writer won it, so the next one is tried. `knownLastSeq` is where to start
     * (the conversation's cached last seq); it may be stale, never too high to matter.
     */
    append(
      message: NewMessage,
      now: Date,
      knownLastSeq = 0,
    ): Promise<{ message: StoredMessage; isNew: boolean }> {
      // Appends to one conversation take turns on this node: each then wins its seq with one
      // insert, where side by side they would all try the same seq and all but one try again.
      return appendTurns.inTurn(message.conversationId, () => insertNext(message, now, knownLastSeq));
    },

    /** Whether an agent wrote in the conversation at or after `since` (first-reply SLA). */
    async hasAgentTextSince(conversationId: string, since: Date): Promise<boolean> {
      const [reply] = await c.messages
        .find(
          { conversationId, kind: 'text', 'author.type': 'agent', createdAt: { $gte: since } },
          { projection: { _id: 1 } },
        )
        .limit(1)
        .toArray();
      return reply !== undefined;
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
      // The common resync (after a cut that missed nothing) costs no read when this node is
      // the only writer; otherwise it scans the conversation on the embedded database.
      const known = seqHints.get(conversationId);
      if (options.isOnlyWriter && known !== undefined) {
        if (afterSeq >= known) return { messages: [], hasMore: false };
        const held = recent.between(conversationId, afterSeq, known);
        if (held && held.length <= limit) {
          const visible = audience === 'visitor' ? held.filter((m) => m.kind !== 'note') : held;
          return { messages: visible, hasMore: false };
        }
      }
      const filter: Filter<MessageDoc> = { conversationId, seq: { $gt: afterSeq } };
      if (audience === 'visitor') filter.kind = { $ne: 'note' };
      const docs = await c.messages
        .find(filter)
        .sort({ seq: 1 })
        .limit(limit + 1)
        .toArray();
      const page = docs.slice(0, limit);
      // The last page ends with the conversation's last message (unless a note the visitor
      // does not see came after it): remember it, so the next sync can skip the read.
      const last = page.at(-1);
      if (docs.length <= limit && audience === 'agent' && last) rememberSeq(conversationId, last.seq);
      return { messages: page.map(toMessage), hasMore: docs.length > limit };
    },
  };
}
export type MessageRepository = ReturnType<typeof createMessageRepository>;
