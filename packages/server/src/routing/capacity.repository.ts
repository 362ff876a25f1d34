import type { Collections } from '../db/collections.js';
import { isDuplicateKey } from '../errors.js';

/**
 * Agents' capacity as claimed slots (`agentId:k`, k < capacity): inserting is the only way
 * to take one, so two nodes can never fill the same slot (docs/adr/0002-claims.md).
 */
export function createCapacityRepository(c: Collections) {
  return {
    /** Number of slots each agent holds. */
    async countByAgent(agentIds: string[]): Promise<Map<string, number>> {
      const counts = new Map<string, number>(agentIds.map((id) => [id, 0]));
      if (agentIds.length === 0) return counts;
      const slots = await c.agentSlots.find({ agentId: { $in: agentIds } }).toArray();
      for (const slot of slots) counts.set(slot.agentId, (counts.get(slot.agentId) ?? 0) + 1);
      return counts;
    },

    /**
     * Claims a free slot below `capacity` for the conversation; the slot id, or null when full.
     * `likelyFree`: the slot the caller expects to be free (the agent's load as it read it), tried
     * first without reading the agent's slots; when it is taken, the slots are read.
     */
    async claimSlot(
      agentId: string,
      capacity: number,
      conversationId: string,
      now: Date,
      likelyFree?: number,
    ): Promise<string | null> {
      if (likelyFree !== undefined && likelyFree >= 0 && likelyFree < capacity) {
        const _id = `${agentId}:${likelyFree}`;
        try {
          await c.agentSlots.insertOne({ _id, agentId, conversationId, createdAt: now });
          return _id;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
      }
      const taken = new Set((await c.agentSlots.find({ agentId }).toArray()).map((slot) => slot._id));
      for (let k = 0; k < capacity; k++) {
        const _id = `${agentId}:${k}`;
        if (taken.has(_id)) continue;
        try {
          await c.agentSlots.insertOne({ _id, agentId, conversationId, createdAt: now });
          return _id;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
      }
      return null;
    },

    async releaseSlot(slotId: string): Promise<void> {
      await c.agentSlots.deleteOne({ _id: slotId });
    },

    /** Frees the slot one agent held for a conversation (the others stay: a transfer's new owner). */
    async releaseForAgent(conversationId: string, agentId: string): Promise<void> {
      await c.agentSlots.deleteMany({ conversationId, agentId });
    },

    async releaseForConversation(conversationId: string): Promise<void> {
      await c.agentSlots.deleteMany({ conversationId });
    },
  };
}
export type CapacityRepository = ReturnType<typeof createCapacityRepository>;
