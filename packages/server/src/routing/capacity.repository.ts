import { performance } from 'node:perf_hooks';
import type { Collections } from '../db/collections.js';
import { isDuplicateKey } from '../errors.js';

/**
 * How long this node trusts an agent's load (slots held) it read, in ms. Its own claims and
 * releases keep it current meanwhile; what other nodes claim or free shows after this at most.
 * The load only ranks agents and estimates room: the slot claims decide [RT3].
 */
export const LOAD_TRUSTED_MS = 1_000;
/**
 * Slots one read takes per agent at most: far above any capacity a person handles; an agent
 * holding more counts as this many (the load only ranks; the claims decide).
 */
const MAX_SLOTS_READ_PER_AGENT = 200;
/** Slots one conversation holds at most: its owner's, and a transfer's new owner's meanwhile. */
const MAX_SLOTS_PER_CONVERSATION = 10;
/** Agents whose load one node keeps at most; past it the oldest reads are dropped. */
const MAX_KNOWN_LOADS = 10_000;

/**
 * Agents' capacity as claimed slots (`agentId:k`, k < capacity): inserting is the only way
 * to take one, so two nodes can never fill the same slot (docs/adr/0002-claims.md).
 */
export function createCapacityRepository(c: Collections, now: () => number = () => performance.now()) {
  /** Each agent's load as this node last read it (`readAt`), with its own claims since. */
  const known = new Map<string, { active: number; readAt: number }>();
  /** When this node last freed a slot of each agent: a read begun before that is not kept. */
  const releasedAt = new Map<string, number>();

  function remember(agentId: string, active: number, readAt: number): void {
    if ((releasedAt.get(agentId) ?? Number.NEGATIVE_INFINITY) >= readAt) return;
    known.delete(agentId);
    known.set(agentId, { active, readAt });
    if (known.size > MAX_KNOWN_LOADS) known.delete(known.keys().next().value!);
  }

  /** This node freed a slot of the agent: the load is read again, so a release is exact at once here. */
  function noteReleased(agentId: string): void {
    known.delete(agentId);
    releasedAt.delete(agentId);
    releasedAt.set(agentId, now());
    if (releasedAt.size > MAX_KNOWN_LOADS) releasedAt.delete(releasedAt.keys().next().value!);
  }

  /** The slot was taken here: the load this node knows counts it. */
  function noteClaimed(agentId: string): void {
    const load = known.get(agentId);
    if (load) load.active++;
  }

  async function insertSlot(agentId: string, k: number, conversationId: string, at: Date) {
    const _id = `${agentId}:${k}`;
    try {
      await c.agentSlots.insertOne({ _id, agentId, conversationId, createdAt: at });
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
    noteClaimed(agentId);
    return _id;
  }

  return {
    /**
     * Number of slots each agent holds: read for agents whose load this node has not read within
     * LOAD_TRUSTED_MS, so a burst of drains reads every open chat's slot once a second, not once
     * per drain.
     */
    async countByAgent(agentIds: string[]): Promise<Map<string, number>> {
      const readAt = now();
      const stale = agentIds.filter((id) => {
        const load = known.get(id);
        return !load || readAt - load.readAt > LOAD_TRUSTED_MS;
      });
      const counts = new Map<string, number>(stale.map((id) => [id, 0]));
      if (stale.length > 0) {
        const slots = await c.agentSlots
          .find({ agentId: { $in: stale } })
          .limit(stale.length * MAX_SLOTS_READ_PER_AGENT)
          .toArray();
        for (const slot of slots) counts.set(slot.agentId, (counts.get(slot.agentId) ?? 0) + 1);
        for (const [id, active] of counts) remember(id, active, readAt);
      }
      return new Map(agentIds.map((id) => [id, counts.get(id) ?? known.get(id)?.active ?? 0]));
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
      at: Date,
      likelyFree?: number,
    ): Promise<string | null> {
      if (likelyFree !== undefined && likelyFree >= 0 && likelyFree < capacity) {
        const slot = await insertSlot(agentId, likelyFree, conversationId, at);
        if (slot) return slot;
      }
      const readAt = now();
      const held = await c.agentSlots.find({ agentId }).limit(MAX_SLOTS_READ_PER_AGENT).toArray();
      const taken = new Set(held.map((slot) => slot._id));
      remember(agentId, taken.size, readAt);
      for (let k = 0; k < capacity; k++) {
        if (taken.has(`${agentId}:${k}`)) continue;
        const slot = await insertSlot(agentId, k, conversationId, at);
        if (slot) return slot;
      }
      return null;
    },

    async releaseSlot(slotId: string): Promise<void> {
      await c.agentSlots.deleteOne({ _id: slotId });
      noteReleased(slotId.slice(0, slotId.lastIndexOf(':')));
    },

    /** Frees the slot one agent held for a conversation (the others stay: a transfer's new owner). */
    async releaseForAgent(conversationId: string, agentId: string): Promise<void> {
      await c.agentSlots.deleteMany({ conversationId, agentId });
      noteReleased(agentId);
    },

    async releaseForConversation(conversationId: string): Promise<void> {
      const held = await c.agentSlots.find({ conversationId }).limit(MAX_SLOTS_PER_CONVERSATION).toArray();
      await c.agentSlots.deleteMany({ conversationId });
      for (const slot of held) noteReleased(slot.agentId);
    },
  };
}
export type CapacityRepository = ReturnType<typeof createCapacityRepository>;
