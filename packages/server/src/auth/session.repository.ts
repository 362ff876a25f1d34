import type { Collections } from '../db/collections.js';

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
    /** The agent id of a live session, or null (expired sessions are deleted on sight). */
    async findAgentId(tokenHash: string, now: Date): Promise<string | null> {
      const doc = await c.sessions.findOne({ _id: tokenHash });
      if (!doc) return null;
      if (doc.expiresAt <= now) {
        await c.sessions.deleteOne({ _id: tokenHash });
        return null;
      }
      return doc.agentId;
    },
    async delete(tokenHash: string): Promise<void> {
      await c.sessions.deleteOne({ _id: tokenHash });
    },
  };
}
export type SessionRepository = ReturnType<typeof createSessionRepository>;
