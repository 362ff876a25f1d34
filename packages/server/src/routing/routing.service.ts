import type { EventReason, QueuePosition } from '@hovor/protocol';
import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import type { Clock } from '../clock.js';
import type { Conversation, ConversationRepository } from '../conversations/conversation.repository.js';
import { transition } from '../conversations/conversation-state.js';
import { SYSTEM_AUTHOR, serverMsgId, type Transcript } from '../conversations/transcript.js';
import type { Logger } from '../logger.js';
import type { Department, DepartmentRepository } from '../sites/department.repository.js';
import type { Site, SiteRepository } from '../sites/site.repository.js';
import type { Notifier } from '../sockets/notifier.js';
import { createTurns } from '../turns.js';
import type { ActionClaimRepository } from './action-claims.repository.js';
import { createAvailability } from './availability.js';
import type { CapacityRepository } from './capacity.repository.js';
import { type Candidate, rankCandidates } from './choose-agent.js';
import { createHandover } from './handover.js';
import type { LeaseRepository } from './lease.repository.js';
import type { QueueStatsRepository } from './queue-stats.repository.js';

export interface RoutingDeps {
  conversations: ConversationRepository;
  agents: AgentRepository;
  sites: SiteRepository;
  departments: DepartmentRepository;
  capacity: CapacityRepository;
  leases: LeaseRepository;
  actions: ActionClaimRepository;
  queueStats: QueueStatsRepository;
  transcript: Transcript;
  notifier: () => Notifier;
  clock: Clock;
  logger: Logger;
  /** Capacity of agents whose site and own settings name none. */
  defaultCapacity: number;
}

export type SiteContext = {
  site: Site;
  agents: Agent[];
  departments: Map<string, Department>;
  /**
   * Eligible agents per department as read once in this pass, kept current in memory as this
   * pass assigns: a burst of chats costs one read of presence and load, not one per chat. Stale
   * entries only cost a lost claim; the claims decide [RT3].
   */
  pool: Map<string | null, Candidate[]>;
};

/** How far fallback departments are followed; a loop in the settings ends here. */
const MAX_FALLBACK_DEPTH = 5;

/** The queue a conversation waits in: its department's, or the site's general one. */
export function queueKey(siteId: string, departmentId: string | null): string {
  return `${siteId}:${departmentId ?? '-'}`;
}

/**
 * Routes queued conversations to eligible agents and takes them back when an owner fails.
 * Every decision is a claim, so any number of nodes may run this at once (routing/SPEC.md,
 * docs/adr/0002-claims.md).
 */
/** The internals of routing that agent-initiated moves (handover.ts) build on. */
export interface RoutingCore {
  log: Logger;
  serialize<T>(siteId: string, job: () => Promise<T>): Promise<T>;
  loadSite(siteId: string): Promise<SiteContext | null>;
  rankedIn(ctx: SiteContext, excluded: readonly string[], departmentId: string | null): Promise<Candidate[]>;
  claimFor(conversation: Conversation, candidate: Candidate): Promise<'won' | 'lost' | 'full'>;
  finishAssignment(conversation: Conversation, agent: { id: string; name: string }): Promise<Conversation>;
  publishQueue(siteId: string): Promise<QueuePosition[]>;
  capacityOf(agent: Agent, site: Site): number;
  requestDrain(siteId: string): Promise<void>;
  rankedEligible(
    ctx: SiteContext,
    excluded: readonly string[],
    departmentId: string | null,
  ): Promise<Candidate[]>;
}

export function createRoutingService(deps: RoutingDeps) {
  const log = deps.logger.child({ module: 'routing' });
  /** Routing takes turns per site, so one node does not race itself. Other nodes are handled by claims. */
  const siteTurns = createTurns();

  async function loadSite(siteId: string): Promise<SiteContext | null> {
    const [site, agents, departments] = await Promise.all([
      deps.sites.findById(siteId),
      deps.agents.listBySite(siteId),
      deps.departments.listBySite(siteId),
    ]);
    if (!site) return null;
    return { site, agents, departments: new Map(departments.map((d) => [d.id, d])), pool: new Map() };
  }

  function strategyOf(ctx: SiteContext, departmentId: string | null) {
    return (departmentId ? ctx.departments.get(departmentId)?.strategy : null) ?? ctx.site.routing.strategy;
  }

  const capacityOf = (agent: Agent, site: Site) =>
    agent.capacity ?? site.routing.defaultCapacity ?? deps.defaultCapacity;

  /**
   * [RT1] Online, connected, with free capacity, of the department (any agent of the site for
   * the general queue); ranked by the department's strategy [RT2]. [RT15] When nobody there is
   * eligible, the department's fallback answers, and so on.
   */
  async function rankedEligible(
    ctx: SiteContext,
    excluded: readonly string[],
    departmentId: string | null,
    depth = 0,
  ): Promise<Candidate[]> {
    const own = await rankedIn(ctx, excluded, departmentId);
    const fallback = departmentId ? ctx.departments.get(departmentId)?.fallbackDepartmentId : null;
    if (own.length > 0 || !fallback || depth >= MAX_FALLBACK_DEPTH) return own;
    return rankedEligible(ctx, excluded, fallback, depth + 1);
  }

  async function rankedIn(ctx: SiteContext, excluded: readonly string[], departmentId: string | null) {
    const candidates = ctx.pool.get(departmentId) ?? (await eligibleIn(ctx, departmentId));
    ctx.pool.set(departmentId, candidates);
    const strategy = strategyOf(ctx, departmentId) === 'round-robin' ? 'round-robin' : 'least-busy';
    const ranked = rankCandidates(candidates, strategy);
    // [RT8] Agents a chat was taken from come last: only when nobody else can take it.
    return [
      ...ranked.filter((candidate) => !excluded.includes(candidate.id)),
      ...ranked.filter((candidate) => excluded.includes(candidate.id)),
    ];
  }

  /** After an assignment in this pass, the agent has one chat more and waited least. */
  function noteAssigned(ctx: SiteContext, agentId: string, at: Date): void {
    for (const candidates of ctx.pool.values()) {
      for (const candidate of candidates) {
        if (candidate.id !== agentId) continue;
        candidate.active++;
        candidate.lastAssignedAt = at;
      }
    }
  }

  async function eligibleIn(ctx: SiteContext, departmentId: string | null): Promise<Candidate[]> {
    const now = deps.clock.now();
    const online = ctx.agents.filter(
      (agent) =>
        agent.status === 'online' && (departmentId === null || agent.departmentIds.includes(departmentId)),
    );
    const connected = await deps.leases.connectedAgentIds(
      online.map((agent) => agent.id),
      now,
    );
    const eligible = online.filter((agent) => connected.has(agent.id));
    const ids = eligible.map((agent) => agent.id);
    const [active, lastAssigned] = await Promise.all([
      deps.capacity.countByAgent(ids),
      deps.agents.lastAssignedAt(ids),
    ]);
    return eligible.map((agent) => ({
      id: agent.id,
      active: active.get(agent.id) ?? 0,
      capacity: capacityOf(agent, ctx.site),
      lastAssignedAt: lastAssigned.get(agent.id) ?? null,
    }));
  }

  async function finishAssignment(
    conversation: Conversation,
    agent: { id: string; name: string },
  ): Promise<Conversation> {
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
      author: SYSTEM_AUTHOR,
      text: '',
      event: { type: 'assigned', agentId: agent.id, agentName: agent.name, reason: null },
      clientMsgId: serverMsgId(`event-assigned-${conversation.round}`),
    });
    deps.notifier().conversationChanged(afterEvent);
    if (conversation.queuedAt) {
      const waitMs = Math.max(0, now.getTime() - conversation.queuedAt.getTime());
      await deps.queueStats.addSample(
        queueKey(conversation.siteId, conversation.departmentId),
        waitMs / Math.max(1, conversation.entryPosition),
      );
    }
    log.info({ conversationId: conversation.id, agentId: agent.id, round: conversation.round }, 'assigned');
    return afterEvent;
  }

  /** Claims a slot of the agent, then the round [RT3]; null when the agent has no room. */
  async function claimFor(
    conversation: Conversation,
    candidate: Candidate,
  ): Promise<'won' | 'lost' | 'full'> {
    const now = deps.clock.now();
    const slot = await deps.capacity.claimSlot(candidate.id, candidate.capacity, conversation.id, now);
    if (!slot) return 'full';
    if (await deps.conversations.claimAssignment(conversation.id, conversation.round, candidate.id, now))
      return 'won';
    await deps.capacity.releaseSlot(slot);
    return 'lost';
  }

  /** Tries to give one queued conversation an owner; true when it has one now. */
  async function assignOne(conversation: Conversation, ctx: SiteContext): Promise<boolean> {
    if (conversation.state !== 'queued') return false;
    for (const candidate of await rankedEligible(
      ctx,
      conversation.excludedAgentIds,
      conversation.departmentId,
    )) {
      const outcome = await claimFor(conversation, candidate);
      if (outcome === 'full') {
        candidate.active = candidate.capacity;
        continue;
      }
      if (outcome === 'won') {
        await finishAssignment(conversation, ctx.agents.find((a) => a.id === candidate.id)!);
        noteAssigned(ctx, candidate.id, deps.clock.now());
        return true;
      }
      // Someone holds the round: another node, or a node that died before finishing. Finishing
      // again is harmless (same owner, same event id), so make sure it is finished.
      const claimedBy = await deps.conversations.findAssignmentClaim(conversation.id, conversation.round);
      const owner = claimedBy
        ? (ctx.agents.find((agent) => agent.id === claimedBy) ?? (await deps.agents.findById(claimedBy)))
        : null;
      const current = await deps.conversations.findById(conversation.id);
      if (owner && current?.state === 'queued' && current.round === conversation.round) {
        await finishAssignment(current, owner);
      }
      return true;
    }
    return false;
  }

  /** [RT13] Tells every waiting visitor of the site their place in their queue and the estimated wait. */
  async function publishQueue(siteId: string): Promise<QueuePosition[]> {
    const queues = new Map<string, Conversation[]>();
    for (const conversation of await deps.conversations.listQueued(siteId)) {
      const key = queueKey(siteId, conversation.departmentId);
      queues.set(key, [...(queues.get(key) ?? []), conversation]);
    }
    const published: QueuePosition[] = [];
    for (const [key, queued] of queues) {
      const perPositionMs = await deps.queueStats.waitPerPositionMs(key);
      const positions = queued.map((conversation, index) => ({
        conversation,
        position: {
          conversationId: conversation.id,
          position: index + 1,
          etaSeconds: perPositionMs === null ? null : Math.round((perPositionMs * (index + 1)) / 1000),
        },
      }));
      deps.notifier().queuePositions(positions);
      published.push(...positions.map((p) => p.position));
    }
    return published;
  }

  /** [RT6] Assigns queued conversations in queue order while their queues have agents with room, then publishes. */
  async function drainSite(siteId: string): Promise<void> {
    const ctx = await loadSite(siteId);
    if (!ctx) return;
    const full = new Set<string>();
    for (const conversation of await deps.conversations.listQueued(siteId)) {
      const key = queueKey(siteId, conversation.departmentId);
      if (full.has(key) || strategyOf(ctx, conversation.departmentId) === 'manual') continue;
      if (!(await assignOne(conversation, ctx))) full.add(key);
    }
    await publishQueue(siteId);
  }

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
    deps.notifier().conversationChanged(afterEvent);
    log.info({ conversationId: conversation.id, agentId: fromAgent.id, reason }, 'requeued');
    return true;
  }

  /**
   * Drains not yet started, per site: a burst of triggers (many chats starting at once) joins the
   * one waiting drain, which will see all of them, instead of queueing a drain each.
   */
  const pendingDrains = new Map<string, Promise<void>>();

  function requestDrain(siteId: string): Promise<void> {
    const pending = pendingDrains.get(siteId);
    if (pending) return pending;
    const drain = siteTurns.inTurn(siteId, () => {
      pendingDrains.delete(siteId);
      return drainSite(siteId);
    });
    pendingDrains.set(siteId, drain);
    return drain;
  }

  const core = {
    log,
    serialize: siteTurns.inTurn,
    loadSite,
    rankedIn,
    claimFor,
    finishAssignment,
    publishQueue,
    capacityOf,
    requestDrain,
    rankedEligible,
  };
  const handover = createHandover(deps, core);
  const availability = createAvailability(deps, core);

  return {
    ...handover,
    ...availability,

    /** Assigns the site's queued conversations, oldest first, while agents have room. */
    assignQueued(siteId: string): Promise<void> {
      return requestDrain(siteId);
    },

    /** Same, never throwing: for triggers whose caller has already answered its client. */
    assignQueuedInBackground(siteIds: readonly string[]): void {
      for (const siteId of siteIds) {
        requestDrain(siteId).catch((error: unknown) =>
          log.error({ err: error, siteId }, 'assigning queued conversations failed'),
        );
      }
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
      await Promise.all(siteIds.map((siteId) => requestDrain(siteId)));
    },

    publishQueue: (siteId: string) => siteTurns.inTurn(siteId, () => publishQueue(siteId)),

    /** Resolves when no routing work is in flight on this node (for a clean shutdown). */
    idle: siteTurns.idle,
  };
}
export type RoutingService = ReturnType<typeof createRoutingService>;
