import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import type { Clock } from '../clock.js';
import type { Conversation, ConversationRepository } from '../conversations/conversation.repository.js';
import { transition } from '../conversations/conversation-state.js';
import type { Transcript } from '../conversations/transcript.js';
import type { Logger } from '../logger.js';
import type { Notifier } from '../sockets/notifier.js';
import type { CapacityRepository } from './capacity.repository.js';
import { rankLeastBusy } from './choose-agent.js';
import type { LeaseRepository } from './lease.repository.js';

export interface RoutingDeps {
  conversations: ConversationRepository;
  agents: AgentRepository;
  capacity: CapacityRepository;
  leases: LeaseRepository;
  transcript: Transcript;
  notifier: () => Notifier;
  clock: Clock;
  logger: Logger;
  defaultCapacity: number;
}

/**
 * Routes queued conversations to eligible agents (status online, a live lease, free
 * capacity), least busy first. Every decision is a claim, so any number of nodes may run
 * this at once: see docs/adr/0003-claims.md.
 */
export function createRoutingService(deps: RoutingDeps) {
  const log = deps.logger.child({ module: 'routing' });
  /** Per-site chains, so one node does not race itself. Other nodes are handled by claims. */
  const siteChains = new Map<string, Promise<void>>();

  function serialize(siteId: string, job: () => Promise<void>): Promise<void> {
    const previous = siteChains.get(siteId) ?? Promise.resolve();
    const next = previous.then(job, job).finally(() => {
      if (siteChains.get(siteId) === next) siteChains.delete(siteId);
    });
    siteChains.set(siteId, next);
    return next;
  }

  async function finishAssignment(conversation: Conversation, agent: Agent): Promise<void> {
    const now = deps.clock.now();
    await deps.conversations.markAssigned(conversation.id, agent, now);
    await deps.agents.setLastAssignedAt(agent.id, now);
    const assigned: Conversation = {
      ...conversation,
      state: transition(conversation.state, 'assign'),
      agentId: agent.id,
      agentName: agent.name,
      assignedAt: now,
    };
    const { conversation: afterEvent } = await deps.transcript.append(assigned, {
      conversationId: conversation.id,
      kind: 'event',
      author: { type: 'system', id: null, name: null },
      text: '',
      event: { type: 'assigned', agentId: agent.id, agentName: agent.name },
      clientMsgId: `event-assigned-${conversation.round}`,
    });
    deps.notifier().conversationChanged(afterEvent);
    log.info({ conversationId: conversation.id, agentId: agent.id, round: conversation.round }, 'assigned');
  }

  /** Tries to give one queued conversation an owner; true when it has one now. */
  async function assignOne(conversation: Conversation, siteAgents: Agent[]): Promise<boolean> {
    if (conversation.state !== 'queued') return false;
    // A claim without a finished assignment (a node died in between) is completed, not redone.
    const claimedBy = await deps.conversations.findAssignmentClaim(conversation.id, conversation.round);
    if (claimedBy) {
      const owner =
        siteAgents.find((agent) => agent.id === claimedBy) ?? (await deps.agents.findById(claimedBy));
      if (owner) await finishAssignment(conversation, owner);
      return true;
    }
    const now = deps.clock.now();
    const online = siteAgents.filter((agent) => agent.status === 'online');
    const connected = await deps.leases.connectedAgentIds(
      online.map((agent) => agent.id),
      now,
    );
    const eligible = online.filter((agent) => connected.has(agent.id));
    const active = await deps.capacity.countByAgent(eligible.map((agent) => agent.id));
    const lastAssigned = await deps.agents.lastAssignedAt(eligible.map((agent) => agent.id));
    const ranked = rankLeastBusy(
      eligible.map((agent) => ({
        id: agent.id,
        active: active.get(agent.id) ?? 0,
        capacity: agent.capacity ?? deps.defaultCapacity,
        lastAssignedAt: lastAssigned.get(agent.id) ?? null,
      })),
    );
    for (const candidate of ranked) {
      const slot = await deps.capacity.claimSlot(candidate.id, candidate.capacity, conversation.id, now);
      if (!slot) continue;
      const won = await deps.conversations.claimAssignment(
        conversation.id,
        conversation.round,
        candidate.id,
        now,
      );
      if (!won) {
        await deps.capacity.releaseSlot(slot);
        return true;
      }
      await finishAssignment(conversation, eligible.find((a) => a.id === candidate.id)!);
      return true;
    }
    return false;
  }

  async function drainSite(siteId: string): Promise<void> {
    const queued = await deps.conversations.listQueued(siteId);
    if (queued.length === 0) return;
    const siteAgents = await deps.agents.listBySite(siteId);
    for (const conversation of queued) {
      if (!(await assignOne(conversation, siteAgents))) break;
    }
  }

  return {
    /** Assigns the site's queued conversations, oldest first, while agents have room. */
    assignQueued(siteId: string): Promise<void> {
      return serialize(siteId, () => drainSite(siteId));
    },

    /** Same, never throwing: for triggers whose caller has already answered its client. */
    assignQueuedInBackground(siteIds: readonly string[]): void {
      for (const siteId of siteIds) {
        serialize(siteId, () => drainSite(siteId)).catch((error: unknown) =>
          log.error({ err: error, siteId }, 'assigning queued conversations failed'),
        );
      }
    },

    /** One pass over every site with a queue; run by the sweeper on every node. */
    async sweep(): Promise<void> {
      const siteIds = await deps.conversations.sitesWithQueue();
      await Promise.all(siteIds.map((siteId) => serialize(siteId, () => drainSite(siteId))));
    },
  };
}
export type RoutingService = ReturnType<typeof createRoutingService>;
