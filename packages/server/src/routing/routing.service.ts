import type { EventReason } from '@hovor/protocol';
import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import type { Conversation, ConversationRepository } from '../conversations/conversation.repository.js';
import { SYSTEM_AUTHOR, serverMsgId, type Transcript } from '../conversations/transcript.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { DepartmentRepository } from '../sites/department.repository.js';
import type { SiteRepository } from '../sites/site.repository.js';
import { createTurns } from '../turns.js';
import type { ActionClaimRepository } from './action-claims.repository.js';
import { type Assignments, createAssignment } from './assignment.js';
import type { AssignmentClaimRepository } from './assignment-claims.repository.js';
import { createAvailability } from './availability.js';
import type { CapacityRepository } from './capacity.repository.js';
import { createEligibility } from './eligibility.js';
import { createHandover } from './handover.js';
import type { LeaseRepository } from './lease.repository.js';
import { createQueuePositions } from './queue-positions.js';
import type { QueueStatsRepository } from './queue-stats.repository.js';
import type { TimerRepository } from './timer.repository.js';

export interface RoutingDeps {
  conversations: ConversationRepository;
  agents: AgentRepository;
  sites: SiteRepository;
  departments: DepartmentRepository;
  capacity: CapacityRepository;
  assignmentClaims: AssignmentClaimRepository;
  leases: LeaseRepository;
  actions: ActionClaimRepository;
  queueStats: QueueStatsRepository;
  timers: TimerRepository;
  transcript: Transcript;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  /** Capacity of agents whose site and own settings name none. */
  defaultCapacity: number;
}

/**
 * Routes queued conversations to eligible agents and takes them back when an owner fails.
 * Every decision is a claim, so any number of nodes may run this at once (routing/SPEC.md,
 * docs/adr/0002-claims.md).
 */
export function createRoutingService(deps: RoutingDeps) {
  const log = deps.logger.child({ module: 'routing' });
  /** Routing takes turns per site, so one node does not race itself. Other nodes are handled by claims. */
  const siteTurns = createTurns();
  const positions = createQueuePositions({
    conversations: deps.conversations,
    queueStats: deps.queueStats,
    notifier: deps.notifier,
    logger: log,
  });
  const eligibility = createEligibility(deps);
  const assignment = createAssignment(deps, { eligibility, positions, siteTurns, log });
  const handover = createHandover(deps, { eligibility, assignment, positions, siteTurns, log });
  const availability = createAvailability(deps, eligibility);

  /** [RT8][RT9][RT10] Sends an assigned conversation back to the front of the queue, once across nodes. */
  async function requeue(conversation: Conversation, reason: EventReason): Promise<boolean> {
    if (conversation.state !== 'assigned' || !conversation.agentId) return false;
    if (!(await deps.actions.claim('requeue', conversation.id, conversation.round, deps.clock.now())))
      return false;
    const fromAgent = { id: conversation.agentId, name: conversation.agentName };
    await deps.capacity.releaseForConversation(conversation.id);
    const excluded = [...new Set([...conversation.excludedAgentIds, fromAgent.id])];
    const requeued = await deps.conversations.markRequeued(conversation, excluded);
    const { conversation: afterEvent } = await deps.transcript.append(requeued, {
      conversationId: conversation.id,
      kind: 'event',
      author: SYSTEM_AUTHOR,
      text: '',
      event: { type: 'requeued', agentId: fromAgent.id, agentName: fromAgent.name, reason },
      clientMsgId: serverMsgId(`event-requeued-${conversation.round}`),
    });
    deps.notifier.conversationChanged(afterEvent);
    log.info({ conversationId: conversation.id, agentId: fromAgent.id, reason }, 'requeued');
    return true;
  }

  return {
    ...handover,
    ...availability,

    /** Assigns the site's queued conversations, oldest first, while agents have room; what it assigned. */
    assignQueued(siteId: string): Promise<Assignments> {
      return assignment.requestDrain(siteId);
    },

    /**
     * Routes the site's queue and resolves with the conversation once a drain of this node has
     * assigned it, or with null once the drain asked for ended without assigning it.
     */
    assignmentOf(siteId: string, conversationId: string): Promise<Conversation | null> {
      return assignment.assignmentOf(siteId, conversationId);
    },

    /** Same, never throwing: for triggers whose caller has already answered its client. */
    assignQueuedInBackground(siteIds: readonly string[]): void {
      for (const siteId of siteIds) assignment.drainInBackground(siteId);
    },

    /** Re-queues a conversation and routes it again; false when another node already did. */
    async requeue(conversation: Conversation, reason: EventReason): Promise<boolean> {
      const done = await siteTurns.inTurn(conversation.siteId, () => requeue(conversation, reason));
      if (done) await this.assignQueued(conversation.siteId);
      return done;
    },

    /** [RT10] When an agent goes away or offline and the site says so, their chats go back to the queue. */
    async agentLeft(agent: Agent): Promise<void> {
      for (const conversation of await deps.conversations.listAssignedToAgent(agent.id)) {
        const site = await deps.sites.findById(conversation.siteId);
        if (site?.routing.requeueOnAway) await this.requeue(conversation, 'agent-away');
      }
    },

    /** One pass over every site with a queue; run by the sweeper on every node. */
    async drainAll(): Promise<void> {
      const siteIds = await deps.conversations.sitesWithQueue();
      await Promise.all(siteIds.map((siteId) => assignment.requestDrain(siteId)));
    },

    /** [RT13] Tells a waiting visitor who (re)connected their place. */
    retellPosition: positions.retell,
    /** How many wait in a queue as last published (MAX_TOLD_PLACES at most). */
    queueLength: positions.lengthOf,
    /** [RT13] The place a chat entering a queue takes, as this node knows it; null before its first publication of the site. */
    entryPlace: positions.entryPlace,
    /** A chat entered a queue on this node. */
    noteEntered: positions.noteEntered,

    /** Resolves when no routing work is in flight on this node (for a clean shutdown). */
    async idle(): Promise<void> {
      await siteTurns.idle();
      await positions.idle();
      positions.stop();
    },
  };
}
export type RoutingService = ReturnType<typeof createRoutingService>;
