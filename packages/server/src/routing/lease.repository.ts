import type { Collections } from '../db/collections.js';

/** Connection leases of agents: an agent is connected while one of its leases is live. */
export function createLeaseRepository(c: Collections) {
  return {
    async put(input: { id: string; agentId: string; nodeId: string; expiresAt: Date }): Promise<void> {
      await c.agentLeases.updateOne(
        { _id: input.id },
        { $set: { agentId: input.agentId, nodeId: input.nodeId, expiresAt: input.expiresAt } },
        { upsert: true },
      );
    },
    async renewForNode(nodeId: string, ids: string[], expiresAt: Date): Promise<void> {
      if (ids.length === 0) return;
      await c.agentLeases.updateMany({ nodeId, _id: { $in: ids } }, { $set: { expiresAt } });
    },
    async delete(id: string): Promise<void> {
      await c.agentLeases.deleteOne({ _id: id });
    },
    async deleteForNode(nodeId: string): Promise<void> {
      await c.agentLeases.deleteMany({ nodeId });
    },
    /** Ids of the given agents that hold a live lease at `now`. */
    async connectedAgentIds(agentIds: string[], now: Date): Promise<Set<string>> {
      if (agentIds.length === 0) return new Set();
      const leases = await c.agentLeases.find({ agentId: { $in: agentIds } }).toArray();
      return new Set(leases.filter((lease) => lease.expiresAt > now).map((lease) => lease.agentId));
    },
  };
}
export type LeaseRepository = ReturnType<typeof createLeaseRepository>;
