import type { Collections, ConversationActivityDoc, ConversationDoc } from '../db/collections.js';
import { isDuplicateKey } from '../errors.js';

/** A conversation with its activity; the state lives in ConversationDoc. */
export type Conversation = Omit<ConversationDoc, '_id'> &
  Omit<ConversationActivityDoc, '_id'> & {
    id: string;
  };

function toConversation(doc: ConversationDoc, activity: ConversationActivityDoc | undefined): Conversation {
  const { _id, ...rest } = doc;
  return {
    id: _id,
    ...rest,
    lastSeq: activity?.lastSeq ?? 0,
    lastMessageText: activity?.lastMessageText ?? null,
  };
}

/** Longest preview of the last message kept on the conversation, in characters. */
const LAST_MESSAGE_PREVIEW_CHARS = 200;

export function createConversationRepository(c: Collections) {
  /** Conversations with their activity, in the order of `docs`. */
  async function withActivity(docs: ConversationDoc[]): Promise<Conversation[]> {
    if (docs.length === 0) return [];
    const activity = await c.conversationActivity
      .find({ _id: { $in: docs.map((doc) => doc._id) } })
      .toArray();
    const byId = new Map(activity.map((doc) => [doc._id, doc]));
    return docs.map((doc) => toConversation(doc, byId.get(doc._id)));
  }

  return {
    async findById(id: string): Promise<Conversation | null> {
      const doc = await c.conversations.findOne({ _id: id });
      return doc ? ((await withActivity([doc]))[0] ?? null) : null;
    },

    /** Inserts the conversation unless one with this id exists (a retried start). */
    async insertIfMissing(conversation: Conversation): Promise<void> {
      const { id, lastSeq: _lastSeq, lastMessageText: _lastMessageText, ...rest } = conversation;
      try {
        await c.conversations.insertOne({ _id: id, ...rest });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
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

    async releaseOpen(siteId: string, visitorId: string, conversationId: string): Promise<void> {
      await c.openConversations.deleteOne({ _id: `${siteId}:${visitorId}`, conversationId });
    },

    /** Claims ownership of round `round`; false when another node or agent won it. */
    async claimAssignment(
      conversationId: string,
      round: number,
      agentId: string,
      now: Date,
    ): Promise<boolean> {
      try {
        await c.assignmentClaims.insertOne({
          _id: `${conversationId}:${round}`,
          conversationId,
          agentId,
          createdAt: now,
        });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    async findAssignmentClaim(conversationId: string, round: number): Promise<string | null> {
      const doc = await c.assignmentClaims.findOne({ _id: `${conversationId}:${round}` });
      return doc?.agentId ?? null;
    },

    async markAssigned(id: string, agent: { id: string; name: string }, at: Date): Promise<void> {
      await c.conversations.updateOne(
        { _id: id },
        { $set: { state: 'assigned', agentId: agent.id, agentName: agent.name, assignedAt: at } },
      );
    },

    async markClosed(id: string, at: Date): Promise<void> {
      await c.conversations.updateOne({ _id: id }, { $set: { state: 'closed', closedAt: at } });
    },

    /** Records the latest message on the activity cache (never on the conversation itself). */
    async noteMessage(id: string, seq: number, text: string | null): Promise<void> {
      const set: Partial<ConversationActivityDoc> = {};
      if (text !== null) set.lastMessageText = text.slice(0, LAST_MESSAGE_PREVIEW_CHARS);
      const update = { $max: { lastSeq: seq }, $set: set };
      try {
        await c.conversationActivity.updateOne({ _id: id }, update, { upsert: true });
      } catch (error) {
        // Two first appends raced to create the document: the loser updates it.
        if (!isDuplicateKey(error)) throw error;
        await c.conversationActivity.updateOne({ _id: id }, update);
      }
    },

    /** Queued conversations of a site, oldest first. */
    async listQueued(siteId: string): Promise<Conversation[]> {
      const docs = await c.conversations.find({ siteId, state: 'queued' }).toArray();
      return (await withActivity(docs)).sort(byQueuedAt);
    },

    /** Site ids that have at least one queued conversation. */
    async sitesWithQueue(): Promise<string[]> {
      return c.conversations.distinct('siteId', { state: 'queued' });
    },

    async listForAgent(
      siteIds: string[],
      box: 'queue' | 'mine' | 'closed',
      agentId: string,
      limit: number,
      before?: Date,
    ) {
      let docs: ConversationDoc[];
      if (box === 'queue') {
        docs = await c.conversations.find({ siteId: { $in: siteIds }, state: 'queued' }).toArray();
        return withActivity(docs.sort(byQueuedDoc).slice(0, limit));
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

function byQueuedDoc(a: ConversationDoc, b: ConversationDoc): number {
  return (a.queuedAt?.getTime() ?? 0) - (b.queuedAt?.getTime() ?? 0) || a._id.localeCompare(b._id);
}

function byQueuedAt(a: Conversation, b: Conversation): number {
  return (a.queuedAt?.getTime() ?? 0) - (b.queuedAt?.getTime() ?? 0) || a.id.localeCompare(b.id);
}
