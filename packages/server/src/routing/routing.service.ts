import type { EventReason } from '@hovor/protocol';
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
import { createQueuePositions, inQueueOrder, queueKey } from './queue-positions.js';
import type { QueueStatsRepository } from './queue-stats.repository.js';
import type { TimerRepository } from './timer.repository.js';

export interface RoutingDeps {
  conversations: ConversationRepository;
  agents: AgentRepository;
  sites: SiteRepository;
  departments: DepartmentRepository;
  capacity: CapacityRepository;
  leases: LeaseRepository;
  actions: ActionClaimRepository;
  queueStats: QueueStatsRepository;
  timers: TimerRepository;
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
   * The site's eligible agents (online, connected) with their load, read once in this pass and kept
   * current in memory as this pass assigns: a burst of chats costs one read of presence and load,
   * not one per chat. Stale entries only cost a lost claim; the claims decide [RT3].
   */
  eligible: Candidate[] | null;
};

/** Conversations one drain assigned, by id, as they are after the assignment. */
export type Assignments = Map<string, Conversation>;

/** How far fallback departments are followed; a loop in the settings ends here. */
const MAX_FALLBACK_DEPTH = 5;
/** Queued chats read at most per queue in one step of a drain (within the first batch of a read). */
const DRAIN_PAGE = 100;
/** Assignments of one drain whose claims and writes run at once. */
const ASSIGNMENTS_IN_FLIGHT = 4;

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
  finishAssignment(
    conversation: Conversation,
    agent: { id: string; name: string },
    site: Site,
  ): Promise<Conversation>;
  /** [RT9][RT11] Arms the timer of a conversation its owner now holds, from `assignedAt`. */
  watch(conversationId: string, site: Site, assignedAt: Date): Promise<void>;
  /** [RT13] The site's queue changed: its waiting visitors hear their places soon. */
  requestPositions(siteId: string): void;
  capacityOf(agent: Agent, site: Site): number;
  requestDrain(siteId: string): Promise<Assignments>;
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
  const positions = createQueuePositions({
    conversations: deps.conversations,
    queueStats: deps.queueStats,
    notifier: deps.notifier,
    logger: log,
  });

  async function loadSite(siteId: string): Promise<SiteContext | null> {
    const [site, agents, departments] = await Promise.all([
      deps.sites.findById(siteId),
      deps.agents.listBySite(siteId),
      deps.departments.listBySite(siteId),
    ]);
    if (!site) return null;
    return { site, agents, departments: new Map(departments.map((d) => [d.id, d])), eligible: null };
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
  ): Promise<Candidate[]> {
    await eligibleIn(ctx, null);
    return rankedNow(ctx, excluded, departmentId);
  }

  async function rankedIn(ctx: SiteContext, excluded: readonly string[], departmentId: string | null) {
    const strategy = strategyOf(ctx, departmentId) === 'round-robin' ? 'round-robin' : 'least-busy';
    const ranked = rankCandidates(await eligibleIn(ctx, departmentId), strategy);
    // [RT8] Agents a chat was taken from come last: only when nobody else can take it.
    return [
      ...ranked.filter((candidate) => !excluded.includes(candidate.id)),
      ...ranked.filter((candidate) => excluded.includes(candidate.id)),
    ];
  }

  /** After an assignment in this pass, the agent has one chat more and waited least. */
  function noteAssigned(candidate: Candidate, at: Date): void {
    candidate.active++;
    candidate.lastAssignedAt = at;
  }

  async function eligibleIn(ctx: SiteContext, departmentId: string | null): Promise<Candidate[]> {
    ctx.eligible ??= await eligibleOfSite(ctx);
    if (departmentId === null) return ctx.eligible;
    const members = new Set(
      ctx.agents.filter((agent) => agent.departmentIds.includes(departmentId)).map((agent) => agent.id),
    );
    return ctx.eligible.filter((candidate) => members.has(candidate.id));
  }

  async function eligibleOfSite(ctx: SiteContext): Promise<Candidate[]> {
    const now = deps.clock.now();
    const online = ctx.agents.filter((agent) => agent.status === 'online');
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

  async function watch(conversationId: string, site: Site, assignedAt: Date): Promise<void> {
    const { firstReplySlaMs, inactivityCloseMs } = site.routing;
    const dueAt = new Date(assignedAt.getTime() + Math.min(firstReplySlaMs, inactivityCloseMs));
    await deps.timers.arm('conversation', conversationId, dueAt);
  }

  async function finishAssignment(
    conversation: Conversation,
    agent: { id: string; name: string },
    site: Site,
  ): Promise<Conversation> {
    const now = deps.clock.now();
    await Promise.all([
      deps.conversations.markAssigned(conversation.id, agent, now),
      deps.agents.setLastAssignedAt(agent.id, now),
      watch(conversation.id, site, now),
    ]);
    const assigned: Conversation = {
      ...conversation,
      state: transition(conversation.state, 'assign'),
      agentId: agent.id,
      agentName: agent.name,
      assignedAt: now,
    };
    const { conversation: afterEvent } = await deps.transcript.append(
      assigned,
      {
        conversationId: conversation.id,
        kind: 'event',
        author: SYSTEM_AUTHOR,
        text: '',
        event: { type: 'assigned', agentId: agent.id, agentName: agent.name, reason: null },
        clientMsgId: serverMsgId(`event-assigned-${conversation.round}`),
      },
      { isCacheLater: true },
    );
    deps.notifier().conversationChanged(afterEvent);
    if (conversation.queuedAt) {
      const waitMs = Math.max(0, now.getTime() - conversation.queuedAt.getTime());
      // The wait estimate learns behind the assignment: nobody waits for it.
      deps.queueStats
        .addSample(
          queueKey(conversation.siteId, conversation.departmentId),
          waitMs / Math.max(1, conversation.entryPosition),
        )
        .catch((error: unknown) => log.warn({ err: error }, 'recording the wait failed'));
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

  /** The candidates of `rankedEligible`, from what this pass has read already (`eligibleIn` ran). */
  function rankedNow(
    ctx: SiteContext,
    excluded: readonly string[],
    departmentId: string | null,
    depth = 0,
  ): Candidate[] {
    const members =
      departmentId === null
        ? null
        : new Set(ctx.agents.filter((a) => a.departmentIds.includes(departmentId)).map((a) => a.id));
    const strategy = strategyOf(ctx, departmentId) === 'round-robin' ? 'round-robin' : 'least-busy';
    const ranked = rankCandidates(
      (ctx.eligible ?? []).filter((candidate) => !members || members.has(candidate.id)),
      strategy,
    );
    const own = [
      ...ranked.filter((candidate) => !excluded.includes(candidate.id)),
      ...ranked.filter((candidate) => excluded.includes(candidate.id)),
    ];
    const fallback = departmentId ? ctx.departments.get(departmentId)?.fallbackDepartmentId : null;
    if (own.length > 0 || !fallback || depth >= MAX_FALLBACK_DEPTH) return own;
    return rankedNow(ctx, excluded, fallback, depth + 1);
  }

  /** Someone holds the round: another node, or a node that died before finishing. Finishing again is harmless (same owner, same event id). */
  async function finishClaimedElsewhere(conversation: Conversation, ctx: SiteContext): Promise<void> {
    const claimedBy = await deps.conversations.findAssignmentClaim(conversation.id, conversation.round);
    const owner = claimedBy
      ? (ctx.agents.find((agent) => agent.id === claimedBy) ?? (await deps.agents.findById(claimedBy)))
      : null;
    const current = await deps.conversations.findById(conversation.id);
    if (owner && current?.state === 'queued' && current.round === conversation.round) {
      await finishAssignment(current, owner, ctx.site);
    }
  }

  /**
   * Gives one queued conversation to `candidate` (already counted as busier by the caller), or,
   * when the candidate turns out full, to the next one with room. The conversation as this node
   * assigned it, true when someone else did, false when nobody has room.
   */
  async function assignTo(
    conversation: Conversation,
    candidate: Candidate,
    ctx: SiteContext,
  ): Promise<Conversation | boolean> {
    let next: Candidate | undefined = candidate;
    while (next) {
      const outcome = await claimFor(conversation, next);
      if (outcome === 'won')
        return finishAssignment(conversation, ctx.agents.find((a) => a.id === next!.id)!, ctx.site);
      if (outcome === 'lost') {
        next.active--;
        await finishClaimedElsewhere(conversation, ctx);
        return true;
      }
      // Full: another node filled the agent since this pass read the load.
      next.active = next.capacity;
      next = rankedNow(ctx, conversation.excludedAgentIds, conversation.departmentId)[0];
      if (next) noteAssigned(next, deps.clock.now());
    }
    return false;
  }

  /**
   * [RT5][RT6] Assigns `queued` (in queue order): each chat is given its agent in that order, from
   * the load this pass keeps in memory, and the claims and writes of up to ASSIGNMENTS_IN_FLIGHT
   * assignments run at once. Returns how many got an owner.
   */
  async function assignInOrder(
    queued: Conversation[],
    ctx: SiteContext,
    assignments: Assignments,
  ): Promise<number> {
    let assigned = 0;
    let failure: unknown = null;
    const running = new Set<Promise<void>>();
    for (const conversation of queued) {
      if (failure) break;
      const candidate = rankedNow(ctx, conversation.excludedAgentIds, conversation.departmentId)[0];
      if (!candidate) continue;
      noteAssigned(candidate, deps.clock.now());
      const task: Promise<void> = assignTo(conversation, candidate, ctx)
        .then((owned) => {
          if (!owned) return;
          assigned++;
          if (owned !== true) assignments.set(owned.id, owned);
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => running.delete(task));
      running.add(task);
      if (running.size >= ASSIGNMENTS_IN_FLIGHT) await Promise.race(running);
    }
    await Promise.all(running);
    if (failure) throw failure;
    return assigned;
  }

  /**
   * The heads of the site's queues that agents have room for now, in queue order: per queue, as
   * many chats as its agents have free slots (DRAIN_PAGE at most). Queues nobody can serve are not
   * read at all, so a chat that starts while every agent is busy costs no read of the queue.
   * `isMore`: some queue may hold more than was read.
   */
  async function queueHeads(ctx: SiteContext): Promise<{ heads: Conversation[]; isMore: boolean }> {
    const reads: Array<Promise<boolean>> = [];
    const heads: Conversation[] = [];
    for (const departmentId of [null, ...ctx.departments.keys()]) {
      if (strategyOf(ctx, departmentId) === 'manual') continue;
      const room = rankedNow(ctx, [], departmentId).reduce((sum, c) => sum + c.capacity - c.active, 0);
      if (room <= 0) continue;
      const limit = Math.min(room, DRAIN_PAGE);
      reads.push(
        deps.conversations.queueHead(ctx.site.id, departmentId, limit).then((head) => {
          heads.push(...head);
          return head.length === limit;
        }),
      );
    }
    const isMore = (await Promise.all(reads)).some(Boolean);
    return { heads: heads.sort(inQueueOrder), isMore };
  }

  /** [RT6] Assigns queued conversations in queue order while their queues have agents with room, then publishes. */
  async function drainSite(siteId: string): Promise<Assignments> {
    const assignments: Assignments = new Map();
    const ctx = await loadSite(siteId);
    if (!ctx) return assignments;
    await eligibleIn(ctx, null);
    const { heads, isMore } = await queueHeads(ctx);
    const assigned = heads.length === 0 ? 0 : await assignInOrder(heads, ctx, assignments);
    positions.request(siteId);
    // More may wait behind what was read: the next drain reads on, after whoever waits for this one.
    if (isMore && assigned > 0) queueMicrotask(() => drainInBackground(siteId));
    return assignments;
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
  const pendingDrains = new Map<string, Promise<Assignments>>();

  function requestDrain(siteId: string): Promise<Assignments> {
    const pending = pendingDrains.get(siteId);
    if (pending) return pending;
    const drain = siteTurns.inTurn(siteId, () => {
      pendingDrains.delete(siteId);
      return drainSite(siteId);
    });
    pendingDrains.set(siteId, drain);
    return drain;
  }

  function drainInBackground(siteId: string): void {
    requestDrain(siteId).catch((error: unknown) =>
      log.error({ err: error, siteId }, 'assigning queued conversations failed'),
    );
  }

  const core = {
    log,
    serialize: siteTurns.inTurn,
    loadSite,
    rankedIn,
    claimFor,
    finishAssignment,
    watch,
    requestPositions: positions.request,
    capacityOf,
    requestDrain,
    rankedEligible,
  };
  const handover = createHandover(deps, core);
  const availability = createAvailability(deps, core);

  return {
    ...handover,
    ...availability,

    /** Assigns the site's queued conversations, oldest first, while agents have room; what it assigned. */
    assignQueued(siteId: string): Promise<Assignments> {
      return requestDrain(siteId);
    },

    /** Same, never throwing: for triggers whose caller has already answered its client. */
    assignQueuedInBackground(siteIds: readonly string[]): void {
      for (const siteId of siteIds) drainInBackground(siteId);
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

    /** [RT13] Tells a waiting visitor who (re)connected their place. */
    retellPosition: positions.retell,
    /** How many wait in a queue as last published (MAX_TOLD_PLACES at most). */
    queueLength: positions.lengthOf,

    /** Resolves when no routing work is in flight on this node (for a clean shutdown). */
    async idle(): Promise<void> {
      await siteTurns.idle();
      await positions.idle();
      positions.stop();
    },
  };
}
export type RoutingService = ReturnType<typeof createRoutingService>;
