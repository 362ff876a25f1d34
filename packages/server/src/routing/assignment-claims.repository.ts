import type { Collections } from '../db/collections.js';
import { isDuplicateKey } from '../errors.js';

/**
 * Who owns a conversation in each round [RT3]: inserting `conversationId:round` is the only way to
 * own it, so one of any number of concurrent claimers wins; re-queueing moves on to the next round
 * (docs/adr/0002-claims.md).
 */
export function createAssignmentClaimRepository(c: Collections) {
  return {
    /** Claims ownership of round `round`; false when another node or agent won it. */
    async claim(conversationId: string, round: number, agentId: string, now: Date): Promise<boolean> {
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

    /** The agent who claimed round `round`, or null while nobody has. */
    async ownerOf(conversationId: string, round: number): Promise<string | null> {
      const doc = await c.assignmentClaims.findOne({ _id: `${conversationId}:${round}` });
      return doc?.agentId ?? null;
    },
  };
}
export type AssignmentClaimRepository = ReturnType<typeof createAssignmentClaimRepository>;
