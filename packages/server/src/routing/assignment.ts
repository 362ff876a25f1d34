import type { AgentRepository } from '../agents/agent.repository.js';
import type { Conversation, ConversationRepository } from '../conversations/conversation.repository.js';
import { transition } from '../conversations/conversation-state.js';
import { SYSTEM_AUTHOR, serverMsgId, type Transcript } from '../conversations/transcript.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { Site } from '../sites/site.repository.js';
import type { Turns } from '../turns.js';
import type { AssignmentClaimRepository } from './assignment-claims.repository.js';
import type { CapacityRepository } from './capacity.repository.js';
import type { Candidate } from './choose-agent.js';
import type { Eligibility, SiteContext } from './eligibility.js';
import { inQueueOrder, type QueuePositions, queueKey } from './queue-positions.js';
import type { QueueStatsRepository } from './queue-stats.repository.js';
import type { TimerRepository } from './timer.repository.js';

export interface AssignmentDeps {
  conversations: ConversationRepository;
  agents: AgentRepository;
  capacity: CapacityRepository;
  assignmentClaims: AssignmentClaimRepository;
  queueStats: QueueStatsRepository;
  timers: TimerRepository;
  transcript: Transcript;
  notifier: Notifier;
  clock: Clock;
}

/** Conversations one drain assigned, by id, as they are after the assignment. */
export type Assignments = Map<string, Conversation>;

/** Queued chats read at most per queue in one step of a drain (within the first batch of a read). */
const DRAIN_PAGE = 100;
/** Assignments of one drain whose claims and writes run at once. */
const ASSIGNMENTS_IN_FLIGHT = 8;

/**
 * Gives queued conversations owners: claims a slot and a round for a candidate [RT3], finishes the
 * assignment, and drains a site's queues in queue order [RT5][RT6]. Every decision is a claim, so
 * any number of nodes may run this at once (routing/SPEC.md, docs/adr/0002-claims.md).
 */
export function createAssignment(
  deps: AssignmentDeps,
  routing: {
    eligibility: Eligibility;
    positions: QueuePositions;
    /** Routing takes turns per site, so one node does not race itself. Other nodes are handled by claims. */
    siteTurns: Turns;
    log: Logger;
  },
) {
  const { eligibility, positions, siteTurns, log } = routing;

  /** [RT9][RT11] Arms the timer of a conversation its owner now holds, from `assignedAt`. */
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
    const assigned: Conversation = {
      ...conversation,
      state: transition(conversation.state, 'assign'),
      agentId: agent.id,
      agentName: agent.name,
      assignedAt: now,
    };
    // The round is this agent's (claimed): the writes that record it go out at once. Finishing
    // again (a node that died halfway, `finishClaimedElsewhere`) writes the same, the event once.
    const [, , , { conversation: afterEvent }] = await Promise.all([
      deps.conversations.markAssigned(conversation.id, agent, now),
      deps.agents.setLastAssignedAt(agent.id, now),
      watch(conversation.id, site, now),
      deps.transcript.append(
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
      ),
    ]);
    deps.notifier.conversationChanged(afterEvent);
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

  /**
   * Claims a slot of the agent, then the round [RT3]; 'full' when the agent has no room.
   * `likelyFree`: the slot to try first, by default the agent's load before this chat (the drain
   * has counted it already).
   */
  async function claimFor(
    conversation: Conversation,
    candidate: Candidate,
    likelyFree = candidate.active - 1,
  ): Promise<'won' | 'lost' | 'full'> {
    const now = deps.clock.now();
    const slot = await deps.capacity.claimSlot(
      candidate.id,
      candidate.capacity,
      conversation.id,
      now,
      likelyFree,
    );
    if (!slot) return 'full';
    if (await deps.assignmentClaims.claim(conversation.id, conversation.round, candidate.id, now))
      return 'won';
    await deps.capacity.releaseSlot(slot);
    return 'lost';
  }

  /** After an assignment in this pass, the agent has one chat more and waited least. */
  function noteAssigned(candidate: Candidate, at: Date): void {
    candidate.active++;
    candidate.lastAssignedAt = at;
  }

  /** Someone holds the round: another node, or a node that died before finishing. Finishing again is harmless (same owner, same event id). */
  async function finishClaimedElsewhere(conversation: Conversation, ctx: SiteContext): Promise<void> {
    const claimedBy = await deps.assignmentClaims.ownerOf(conversation.id, conversation.round);
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
      next = eligibility.rankedNow(ctx, conversation.excludedAgentIds, conversation.departmentId)[0];
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
      const candidate = eligibility.rankedNow(
        ctx,
        conversation.excludedAgentIds,
        conversation.departmentId,
      )[0];
      if (!candidate) continue;
      noteAssigned(candidate, deps.clock.now());
      const task: Promise<void> = assignTo(conversation, candidate, ctx)
        .then((owned) => {
          if (!owned) return;
          assigned++;
          if (owned === true) return;
          assignments.set(owned.id, owned);
          tellAssigned(owned);
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
      if (eligibility.strategyOf(ctx, departmentId) === 'manual') continue;
      const room = eligibility
        .rankedNow(ctx, [], departmentId)
        .reduce((sum, c) => sum + c.capacity - c.active, 0);
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
    const ctx = await eligibility.loadSite(siteId);
    if (!ctx) return assignments;
    await eligibility.eligibleIn(ctx, null);
    const { heads, isMore } = await queueHeads(ctx);
    const assigned = heads.length === 0 ? 0 : await assignInOrder(heads, ctx, assignments);
    positions.request(siteId);
    // More may wait behind what was read: the next drain reads on, after whoever waits for this one.
    if (isMore && assigned > 0) queueMicrotask(() => drainInBackground(siteId));
    return assignments;
  }

  /**
   * Drains not yet started, per site: a burst of triggers (many chats starting at once) joins the
   * one waiting drain, which will see all of them, instead of queueing a drain each.
   */
  const pendingDrains = new Map<string, Promise<Assignments>>();

  /** Who waits for a conversation's assignment on this node (`assignmentOf`), by conversation id. */
  const waiters = new Map<string, Set<(assigned: Conversation | null) => void>>();

  function tellAssigned(conversation: Conversation): void {
    const waiting = waiters.get(conversation.id);
    if (!waiting) return;
    waiters.delete(conversation.id);
    for (const settle of waiting) settle(conversation);
  }

  /**
   * Asks for a drain of the site and resolves with the conversation as the drain that assigned it
   * left it — the drain asked for, or one running already that read it first — or with null
   * when the drain asked for ends without assigning it (nobody has room, or another node did).
   * Any number may wait for one conversation (a start retried many times at once).
   */
  function assignmentOf(siteId: string, conversationId: string): Promise<Conversation | null> {
    return new Promise((resolve, reject) => {
      let isSettled = false;
      const settle = (assigned: Conversation | null) => {
        isSettled = true;
        resolve(assigned);
      };
      const leave = () => {
        const waiting = waiters.get(conversationId);
        waiting?.delete(settle);
        if (waiting?.size === 0) waiters.delete(conversationId);
      };
      const waiting = waiters.get(conversationId) ?? new Set();
      waiting.add(settle);
      waiters.set(conversationId, waiting);
      requestDrain(siteId).then(
        () => {
          if (isSettled) return;
          leave();
          settle(null);
        },
        (error: unknown) => {
          if (isSettled) return;
          leave();
          reject(error);
        },
      );
    });
  }

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

  return { watch, finishAssignment, claimFor, requestDrain, drainInBackground, assignmentOf };
}
export type Assignment = ReturnType<typeof createAssignment>;
