import type { Collections } from '../db/collections.js';
import { isDuplicateKey } from '../errors.js';

/** Timed actions that must run once across nodes [RT12]: whoever inserts the claim runs it. */
export function createActionClaimRepository(c: Collections, nodeId: string) {
  return {
    async claim(action: string, conversationId: string, round: number, now: Date): Promise<boolean> {
      try {
        await c.actionClaims.insertOne({
          _id: `${action}:${conversationId}:${round}`,
          conversationId,
          nodeId,
          createdAt: now,
        });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
  };
}
export type ActionClaimRepository = ReturnType<typeof createActionClaimRepository>;
