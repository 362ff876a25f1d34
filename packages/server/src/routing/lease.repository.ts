import type { Collections } from '../db/collections.js';
import { upsertOne } from '../db/upsert.js';
import { slotOf } from './timer.repository.js';

/**
 * Lapsed leases one sweep reads at most (per slot, or in a catch-up); more wait for the next
 * catch-up, which comes within a minute.
 */
const MAX_LAPSED_READ = 1_000;
/** How long a closed or expired lease is kept as the record of when its agent was last seen. */
const LEASE_HISTORY_MS = 24 * 3_600_000;

export type Presence = {
  /** A lease is live now. */
  isConnected: boolean;
  /** The latest end of any lease (the future while connected); null: never connected. */
  lastSeenAt: Date | null;
};

/** Connection leases of agents [RT7]: an agent is connected while one of its leases is live. */
export function createLeaseRepository(c: Collections) {
  return {
    async put(input: { id: string; agentId: string; nodeId: string; expiresAt: Date }): Promise<void> {
      await upsertOne(
        c.agentLeases,
        { _id: input.id },
        {
          $set: {
            agentId: input.agentId,
            nodeId: input.nodeId,
            expiresAt: input.expiresAt,
            expirySlot: slotOf(input.expiresAt),
          },
        },
      );
    },
    async renewForNode(nodeId: string, ids: string[], expiresAt: Date): Promise<void> {
      if (ids.length === 0) return;
      await c.agentLeases.updateMany(
        { nodeId, _id: { $in: ids } },
        { $set: { expiresAt, expirySlot: slotOf(expiresAt) } },
      );
    },
    /** Ends a lease now; the document stays as the record of when the agent was last seen. */
    async end(id: string, at: Date): Promise<void> {
      await c.agentLeases.updateOne({ _id: id }, { $set: { expiresAt: at, expirySlot: slotOf(at) } });
    },
    async endForNode(nodeId: string, at: Date): Promise<void> {
      await c.agentLeases.updateMany(
        { nodeId, expiresAt: { $gt: at } },
        { $set: { expiresAt: at, expirySlot: slotOf(at) } },
      );
    },
    /** Agents whose lease lapses in the slot (ended, or not renewed: its node died) [RT7]. */
    async agentsLapsingIn(slot: string): Promise<string[]> {
      const leases = await c.agentLeases
        .find({ expirySlot: slot }, { projection: { agentId: 1 } })
        .limit(MAX_LAPSED_READ)
        .toArray();
      return [...new Set(leases.map((lease) => lease.agentId))];
    },
    /** Agents with a lease that lapsed after `since` and by `now`: a catch-up after a gap. */
    async agentsLapsedBetween(since: Date, now: Date): Promise<string[]> {
      const leases = await c.agentLeases
        .find({ expiresAt: { $gt: since, $lte: now } }, { projection: { agentId: 1 } })
        .sort({ expiresAt: 1 })
        .limit(MAX_LAPSED_READ)
        .toArray();
      return [...new Set(leases.map((lease) => lease.agentId))];
    },
    /** Forgets leases that ended long ago. */
    async prune(now: Date): Promise<void> {
      await c.agentLeases.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - LEASE_HISTORY_MS) } });
    },
    async presence(agentIds: string[], now: Date): Promise<Map<string, Presence>> {
      const result = new Map<string, Presence>(
        agentIds.map((id) => [id, { isConnected: false, lastSeenAt: null }]),
      );
      if (agentIds.length === 0) return result;
      // One agent: an equality, answered from the index; several: `$in`, which reads every lease.
      const filter = agentIds.length === 1 ? { agentId: agentIds[0]! } : { agentId: { $in: agentIds } };
      const leases = await c.agentLeases.find(filter).toArray();
      for (const lease of leases) {
        const seen = result.get(lease.agentId)!;
        seen.isConnected ||= lease.expiresAt > now;
        if (!seen.lastSeenAt || lease.expiresAt > seen.lastSeenAt) seen.lastSeenAt = lease.expiresAt;
      }
      return result;
    },
    /** Ids of the given agents that hold a live lease at `now`. */
    async connectedAgentIds(agentIds: string[], now: Date): Promise<Set<string>> {
      const presence = await this.presence(agentIds, now);
      return new Set([...presence].filter(([, p]) => p.isConnected).map(([id]) => id));
    },
  };
}
export type LeaseRepository = ReturnType<typeof createLeaseRepository>;
