import type { Inbox } from '@hovor/protocol';
import type { Filter, UpdateFilter } from 'mongodb';
import type { Collections, ConversationActivityDoc, ConversationDoc } from '../db/collections.js';
import { upsertOne } from '../db/upsert.js';
import { isDuplicateKey } from '../errors.js';
import { type ActivityNote, createActivityWriter } from './activity-writer.js';
import { createReadCache } from './read-cache.js';

/** A conversation with its activity; the state lives in ConversationDoc. */
export type Conversation = Omit<ConversationDoc, '_id'> &
  Omit<ConversationActivityDoc, '_id'> & {
    id: string;
  };

function toConversation(
  doc: ConversationDoc,
  stored: ConversationActivityDoc | undefined,
  unwritten: ActivityNote | undefined,
): Conversation {
  const { _id, ...rest } = doc;
  const activity = withUnwritten(stored, unwritten);
  return {
    id: _id,
    ...rest,
    // Documents written before these fields existed read as their defaults.
    departmentId: doc.departmentId ?? null,
    priority: doc.priority ?? 0,
    excludedAgentIds: doc.excludedAgentIds ?? [],
    entryPosition: doc.entryPosition ?? 1,
    lastSeq: activity?.lastSeq ?? 0,
    lastMessageText: activity?.lastMessageText ?? null,
    lastMessageAt: activity?.lastMessageAt ?? null,
  };
}

/** The stored activity with what this node noted and has not written yet laid over it. */
function withUnwritten(
  stored: ConversationActivityDoc | undefined,
  note: ActivityNote | undefined,
): Omit<ConversationActivityDoc, '_id'> | undefined {
  if (!note) return stored;
  if (stored && stored.lastSeq >= note.seq) return stored;
  return {
    lastSeq: note.seq,
    lastMessageText: note.text?.slice(0, LAST_MESSAGE_PREVIEW_CHARS) ?? stored?.lastMessageText ?? null,
    lastMessageAt: note.at,
  };
}

/** Longest preview of the last message kept on the conversation, in characters. */
const LAST_MESSAGE_PREVIEW_CHARS = 200;
/**
 * Queue positions counted at most when a conversation is queued: its entry position (the wait
 * estimate's divisor [RT13]) is counted up to here; past it, the queue's length as last published
 * answers. Counting reads the queue, so it stays short.
 */
export const MAX_COUNTED_QUEUE_POSITION = 100;
/**
 * Queue order [RT5] as the store sorts it (index `siteId_state_queue_order`): higher priority first,
 * then the original queue time, then the id. Documents written before `priority` existed lack it and
 * sort after every priority.
 */
const QUEUE_SORT = { priority: -1, queuedAt: 1, _id: 1 } as const;

/** A queued conversation as far as its place in the queue goes. */
export interface QueuedEntry {
  id: string;
  visitorId: string;
  departmentId: string | null;
}

export function createConversationRepository(
  c: Collections,
  options: {
    onActivityError: (error: unknown) => void;
    /** A conversation's stored state changed on this node: other nodes drop their copies (cluster bus). */
    onChanged?: (id: string) => void;
  },
) {
  /** Records the latest message on the activity cache (never on the conversation itself). */
  async function writeActivity(id: string, note: ActivityNote): Promise<void> {
    const set: Partial<ConversationActivityDoc> = { lastMessageAt: note.at };
    if (note.text !== null) set.lastMessageText = note.text.slice(0, LAST_MESSAGE_PREVIEW_CHARS);
    await upsertOne(c.conversationActivity, { _id: id }, { $max: { lastSeq: note.seq }, $set: set });
  }
  const activityWriter = createActivityWriter({ write: writeActivity, onError: options.onActivityError });

  /** Conversations with their activity, in the order of `docs`. */
  async function withActivity(docs: ConversationDoc[]): Promise<Conversation[]> {
    if (docs.length === 0) return [];
    const activity = await c.conversationActivity
      .find({ _id: { $in: docs.map((doc) => doc._id) } })
      .toArray();
    const byId = new Map(activity.map((doc) => [doc._id, doc]));
    return docs.map((doc) => toConversation(doc, byId.get(doc._id), activityWriter.unwritten(doc._id)));
  }

  async function readStored(id: string) {
    // Two lookups by `_id`, each answered from the primary key.
    const doc = await c.conversations.findOne({ _id: id });
    if (!doc) return null;
    return { doc, activity: (await c.conversationActivity.findOne({ _id: id })) ?? undefined };
  }
  /** What commands read of a conversation; dropped on every change (`update`). */
  const cache = createReadCache(readStored);

  /** Updates the stored conversation, then drops every node's copy of it. */
  async function update(id: string, filter: Filter<ConversationDoc>, change: UpdateFilter<ConversationDoc>) {
    try {
      await c.conversations.updateOne({ ...filter, _id: id }, change);
    } finally {
      cache.invalidate(id);
      options.onChanged?.(id);
    }
  }

  return {
    async findById(id: string): Promise<Conversation | null> {
      const stored = await readStored(id);
      return stored && toConversation(stored.doc, stored.activity, activityWriter.unwritten(id));
    },

    /**
     * The conversation as a command reads it for its policy check and handler: from this node's
     * copy, which every change drops on every node; its activity as this node knows it.
     */
    async findForCommand(id: string): Promise<Conversation | null> {
      const stored = await cache.get(id);
      // The copy's activity is as old as the copy: what this node noted since lays over it.
      return stored && toConversation(stored.doc, stored.activity, activityWriter.latest(id));
    },

    /** Another node changed the conversation: read it again next time. */
    forget: (id: string) => cache.invalidate(id),

    /** Inserts the conversation unless one with this id exists (a retried start); true when inserted now. */
    async insertIfMissing(conversation: Conversation): Promise<boolean> {
      const { id, lastSeq: _seq, lastMessageText: _text, lastMessageAt: _at, ...rest } = conversation;
      try {
        await c.conversations.insertOne({ _id: id, ...rest });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return false;
      }
    },

    /**
     * Claims "the open conversation of this visitor on this site" for `conversationId`.
     * Returns the id that holds the claim: ours when we won, the earlier one otherwise.
     */
    async claimOpen(siteId: string, visitorId: string, conversationId: string, now: Date): Promise<string> {
      const _id = `${siteId}:${visitorId}`;
      try {
        await c.openConversations.insertOne({ _id, conversationId, createdAt: now });
        return conversationId;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const existing = await c.openConversations.findOne({ _id });
        if (!existing) return this.claimOpen(siteId, visitorId, conversationId, now);
        return existing.conversationId;
      }
    },

    async findOpenId(siteId: string, visitorId: string): Promise<string | null> {
      const doc = await c.openConversations.findOne({ _id: `${siteId}:${visitorId}` });
      return doc?.conversationId ?? null;
    },

    /**
     * [P19] Gives the open conversation of `fromVisitorId` (if any) to `toVisitorId`, who has none
     * (a user's visitor made a moment ago). The new owner's claim comes first, so the conversation
     * is never open for nobody; a crash before the old claim is released leaves a claim that
     * points at a conversation of another visitor, which `start` heals.
     */
    async moveOpen(
      siteId: string,
      fromVisitorId: string,
      to: { visitorId: string; name: string },
      now: Date,
    ): Promise<string | null> {
      const id = await this.findOpenId(siteId, fromVisitorId);
      if (!id) return null;
      const claimed = await this.claimOpen(siteId, to.visitorId, id, now);
      if (claimed !== id) return null;
      await update(
        id,
        { visitorId: fromVisitorId },
        { $set: { visitorId: to.visitorId, visitorName: to.name } },
      );
      await this.releaseOpen(siteId, fromVisitorId, id);
      return id;
    },

    async releaseOpen(siteId: string, visitorId: string, conversationId: string): Promise<void> {
      await c.openConversations.deleteOne({ _id: `${siteId}:${visitorId}`, conversationId });
    },

    async markAssigned(id: string, agent: { id: string; name: string }, at: Date): Promise<void> {
      await update(
        id,
        {},
        { $set: { state: 'assigned', agentId: agent.id, agentName: agent.name, assignedAt: at } },
      );
    },

    /**
     * Owned by `agent` from round `round` on (its claim is already theirs): after a transfer to a
     * colleague, or when a left message is reopened.
     */
    async markOwned(id: string, agent: { id: string; name: string }, round: number, at: Date): Promise<void> {
      await update(
        id,
        {},
        {
          $set: {
            state: 'assigned',
            agentId: agent.id,
            agentName: agent.name,
            round,
            assignedAt: at,
            excludedAgentIds: [],
          },
        },
      );
    },

    async markClosed(id: string, at: Date): Promise<void> {
      await update(id, {}, { $set: { state: 'closed', closedAt: at } });
    },

    /** Back to the queue for the next round, keeping the original waiting time (and moving department on a transfer). */
    async markRequeued(
      conversation: Conversation,
      excludedAgentIds: string[],
      departmentId: string | null = conversation.departmentId,
    ): Promise<Conversation> {
      const set = {
        state: 'queued' as const,
        agentId: null,
        agentName: null,
        assignedAt: null,
        round: conversation.round + 1,
        excludedAgentIds,
        departmentId,
      };
      await update(conversation.id, {}, { $set: set });
      return { ...conversation, ...set };
    },

    /** Conversations that have an owner, on every site: what the sweeper watches. */
    async listAssigned(): Promise<Conversation[]> {
      return withActivity(await c.conversations.find({ state: 'assigned' }).toArray());
    },

    async listAssignedToAgent(agentId: string): Promise<Conversation[]> {
      return withActivity(await c.conversations.find({ agentId, state: 'assigned' }).toArray());
    },

    /** Queued conversations of the department's queue (null: the general one), up to MAX_COUNTED_QUEUE_POSITION. */
    async countQueued(siteId: string, departmentId: string | null): Promise<number> {
      // A find of ids, not `countDocuments`: the embedded database answers an aggregation by reading
      // the whole collection, a find by the index. `departmentId: null` also matches documents
      // written before the field existed.
      const ids = await c.conversations
        .find({ siteId, state: 'queued', departmentId }, { projection: { _id: 1 } })
        .limit(MAX_COUNTED_QUEUE_POSITION)
        .toArray();
      return ids.length;
    },

    /** Records the latest message on the activity cache (never on the conversation itself). */
    noteMessage(id: string, note: ActivityNote): Promise<void> {
      activityWriter.remember(id, note);
      return writeActivity(id, note);
    },

    /**
     * Records it behind the caller's back: reads on this node see it at once, the store a moment
     * later. For the messages people send, whose ack should not wait for a cache.
     */
    noteMessageLater(id: string, note: ActivityNote): void {
      activityWriter.note(id, note);
    },

    /** Resolves once the activity noted for later is written (or `timeoutMs` passed). */
    flushActivity: (timeoutMs: number) => activityWriter.idle(timeoutMs),
    stopActivity: () => activityWriter.stop(),

    /** [RT5] The first `limit` conversations of a department's queue (null: the general one), in queue order. */
    async queueHead(siteId: string, departmentId: string | null, limit: number): Promise<Conversation[]> {
      const docs = await c.conversations
        .find({ siteId, state: 'queued', departmentId })
        .sort(QUEUE_SORT)
        .limit(limit)
        .toArray();
      return withActivity(docs);
    },

    /** [RT5] Who waits in a site's queues, in queue order, `limit` at most: enough to tell them their places. */
    async queueOrder(siteId: string, limit: number): Promise<QueuedEntry[]> {
      const docs = await c.conversations
        .find({ siteId, state: 'queued' }, { projection: { _id: 1, visitorId: 1, departmentId: 1 } })
        .sort(QUEUE_SORT)
        .limit(limit)
        .toArray();
      return docs.map((doc) => ({
        id: doc._id,
        visitorId: doc.visitorId,
        departmentId: doc.departmentId ?? null,
      }));
    },

    /** Site ids that have at least one queued conversation. */
    async sitesWithQueue(): Promise<string[]> {
      return c.conversations.distinct('siteId', { state: 'queued' });
    },

    /** Claims a visitor's request id for a conversation; the id holding the claim (ours, or the earlier one). */
    async claimRequest(
      visitorId: string,
      requestId: string,
      conversationId: string,
      now: Date,
    ): Promise<string> {
      const _id = `${visitorId}:${requestId}`;
      try {
        await c.requestClaims.insertOne({ _id, conversationId, createdAt: now });
        return conversationId;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return (await c.requestClaims.findOne({ _id }))?.conversationId ?? conversationId;
      }
    },

    /** Moves to round `round` without an owner (its previous round's claim was spent). */
    async nextRound(id: string, round: number): Promise<void> {
      await update(id, {}, { $set: { round } });
    },

    async listForAgent(siteIds: string[], box: Inbox, agentId: string, limit: number, before?: Date) {
      let docs: ConversationDoc[];
      // Queue and offline boxes grow with the visitors: read in the store's order, `limit` at most.
      if (box === 'offline') {
        docs = await c.conversations
          .find({ siteId: { $in: siteIds }, state: 'offline' })
          .sort({ createdAt: 1, _id: 1 })
          .limit(limit)
          .toArray();
        return withActivity(docs);
      }
      if (box === 'queue') {
        docs = await c.conversations
          .find({ siteId: { $in: siteIds }, state: 'queued' })
          .sort(QUEUE_SORT)
          .limit(limit)
          .toArray();
        return withActivity(docs);
      }
      if (box === 'mine') {
        docs = await c.conversations.find({ agentId, state: 'assigned' }).toArray();
        return withActivity(
          docs
            .filter((doc) => siteIds.includes(doc.siteId))
            .sort((a, b) => (a.assignedAt?.getTime() ?? 0) - (b.assignedAt?.getTime() ?? 0))
            .slice(0, limit),
        );
      }
      const filter = before
        ? { siteId: { $in: siteIds }, state: 'closed' as const, closedAt: { $lt: before } }
        : { siteId: { $in: siteIds }, state: 'closed' as const };
      docs = await c.conversations.find(filter).sort({ closedAt: -1 }).limit(limit).toArray();
      return withActivity(docs);
    },
  };
}
export type ConversationRepository = ReturnType<typeof createConversationRepository>;
