import type { Collections } from '../db/collections.js';

/** A live session: whose it is and until when. */
export interface Session {
  /** SHA-256 of the cookie token. */
  id: string;
  agentId: string;
  expiresAt: Date;
}

export function createSessionRepository(c: Collections) {
  return {
    async create(input: { tokenHash: string; agentId: string; now: Date; expiresAt: Date }): Promise<void> {
      await c.sessions.insertOne({
        _id: input.tokenHash,
        agentId: input.agentId,
        createdAt: input.now,
        expiresAt: input.expiresAt,
      });
    },
    /** The live session of a token hash, or null (expired sessions are deleted on sight). */
    async findLive(tokenHash: string, now: Date): Promise<Session | null> {
      const doc = await c.sessions.findOne({ _id: tokenHash });
      if (!doc) return null;
      if (doc.expiresAt <= now) {
        await c.sessions.deleteOne({ _id: tokenHash });
        return null;
      }
      return { id: doc._id, agentId: doc.agentId, expiresAt: doc.expiresAt };
    },
    async delete(tokenHash: string): Promise<void> {
      await c.sessions.deleteOne({ _id: tokenHash });
    },
    /** Ends every session of an agent but `keepId` (the one that asked, when it stays). */
    async deleteOfAgent(agentId: string, keepId?: string): Promise<void> {
      await c.sessions.deleteMany(keepId ? { agentId, _id: { $ne: keepId } } : { agentId });
    },
    /** Deletes sessions that expired before `now`; returns how many. */
    async deleteExpired(now: Date): Promise<number> {
      const result = await c.sessions.deleteMany({ expiresAt: { $lte: now } });
      return result.deletedCount;
    },
  };
}
export type SessionRepository = ReturnType<typeof createSessionRepository>;
