import { type AgentRepository, toAgentProfile } from '../agents/agent.repository.js';
import type { ConversationRepository } from '../conversations/conversation.repository.js';
import type { ConversationCloser } from '../conversations/conversation-closer.js';
import { SYSTEM_AUTHOR } from '../conversations/transcript.js';
import type { Logger } from '../logger.js';
import type { MessageRepository } from '../messages/message.repository.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { RoutingSettings } from '../sites/routing-settings.js';
import type { SiteRepository } from '../sites/site.repository.js';
import type { ActionClaimRepository } from './action-claims.repository.js';
import type { LeaseRepository } from './lease.repository.js';
import type { RoutingService } from './routing.service.js';
import { SLOT_MS, type Timer, type TimerRepository } from './timer.repository.js';

/** How long a connection lease lives without renewal; a vanished browser or node is offline after this. [RT7] */
export const DEFAULT_PRESENCE_LEASE_MS = 30_000;
/** How often old lease records are pruned, in sweeps. */
const PRUNE_EVERY_SWEEPS = 600;
/** Slots a sweep reads one by one; after a longer gap (a pause, the first sweep) it reads all that is due at once. */
const MAX_SLOTS_PER_SWEEP = 30;
/** Timers one catch-up handles at most; the rest come with the next. */
const MAX_CATCH_UP = 1_000;
/** How often a sweep also catches up on everything due, in sweeps: a timer whose handling failed is not lost. */
const CATCH_UP_EVERY_SWEEPS = 60;

export interface SweeperDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  sites: SiteRepository;
  leases: LeaseRepository;
  actions: ActionClaimRepository;
  routing: RoutingService;
  closer: ConversationCloser;
  clock: Clock;
  logger: Logger;
  nodeId: string;
  localLeaseIds: () => string[];
  presenceLeaseMs: number;
  agents: AgentRepository;
  timers: TimerRepository;
  notifier: Notifier;
  defaultCapacity: number;
}

/**
 * One sweep: renew this node's leases, handle what fell due, route the queues. What falls due is
 * read by slot (routing/timer.repository.ts): a conversation's timer [RT9][RT11] and an agent's
 * lapsed lease [RT7][RT8], so a sweep costs what is due, not what is open. Safe on every node at
 * once: each timed action is a claim [RT12], each assignment too [RT3].
 */
export function createSweeper(deps: SweeperDeps) {
  const log = deps.logger.child({ module: 'sweeper' });
  /** Rounds known to have had their first reply, so the check stops asking. */
  const repliedRounds = new Set<string>();
  let sweeps = 0;
  /** The last slot read to its end; null before the first sweep. */
  let readUpTo: number | null = null;

  /** Site settings read once per sweep. */
  function settingsOf(cache: Map<string, Promise<RoutingSettings | null>>, siteId: string) {
    let settings = cache.get(siteId);
    if (!settings) {
      settings = deps.sites.findById(siteId).then((site) => site?.routing ?? null);
      cache.set(siteId, settings);
    }
    return settings;
  }

  /**
   * [RT9][RT11] A conversation's timer: re-queue it when nobody answered within the SLA, close it
   * after the inactivity period, or arm the timer for whichever comes next. Its owner without a
   * connection is the agent's timer's business [RT8].
   */
  async function checkConversation(timer: Timer, sites: Map<string, Promise<RoutingSettings | null>>) {
    const conversation = await deps.conversations.findById(timer.subjectId);
    const settings = conversation && (await settingsOf(sites, conversation.siteId));
    if (conversation?.state !== 'assigned' || !conversation.agentId || !settings) {
      await deps.timers.remove(timer);
      return;
    }
    const now = deps.clock.now().getTime();
    const assignedAt = conversation.assignedAt?.getTime() ?? now;
    const presence = (await deps.leases.presence([conversation.agentId], deps.clock.now())).get(
      conversation.agentId,
    );
    const next: number[] = [];
    if (presence?.isConnected) {
      const roundKey = `${conversation.id}:${conversation.round}`;
      const slaAt = assignedAt + settings.firstReplySlaMs;
      if (!repliedRounds.has(roundKey)) {
        if (slaAt > now) next.push(slaAt);
        else if (await deps.messages.hasAgentTextSince(conversation.id, new Date(assignedAt))) {
          repliedRounds.add(roundKey);
        } else {
          await deps.routing.requeue(conversation, 'no-first-reply');
          await deps.timers.remove(timer);
          return;
        }
      }
    } else {
      // Gone: the agent's timer re-queues after the grace period; back within it, the SLA applies again.
      next.push(now + settings.disconnectGraceMs);
    }
    // [RT11] The cached last message filters; the messages decide.
    const cachedLast = Math.max(conversation.lastMessageAt?.getTime() ?? 0, assignedAt);
    let closeAt = cachedLast + settings.inactivityCloseMs;
    if (closeAt <= now) {
      const last = Math.max((await deps.messages.lastMessageAt(conversation.id))?.getTime() ?? 0, assignedAt);
      closeAt = last + settings.inactivityCloseMs;
      if (closeAt <= now) {
        if (
          await deps.actions.claim('close-inactive', conversation.id, conversation.round, deps.clock.now())
        ) {
          await deps.closer.close(conversation, SYSTEM_AUTHOR, 'inactivity');
        }
        await deps.timers.remove(timer);
        return;
      }
    }
    next.push(closeAt);
    await deps.timers.arm('conversation', conversation.id, new Date(Math.min(...next)));
  }

  /**
   * [RT7][RT8] An agent whose lease lapsed, or whose timer fell due: while no lease of theirs is
   * live, each of their chats goes back to the queue once its site's grace period has passed;
   * the agent's timer is armed for the next such moment.
   */
  async function checkAgent(agentId: string, sites: Map<string, Promise<RoutingSettings | null>>) {
    const now = deps.clock.now();
    const presence = (await deps.leases.presence([agentId], now)).get(agentId);
    if (presence?.isConnected) return;
    let nextAt: number | null = null;
    for (const conversation of await deps.conversations.listAssignedToAgent(agentId)) {
      const settings = await settingsOf(sites, conversation.siteId);
      if (!settings) continue;
      const assignedAt = conversation.assignedAt?.getTime() ?? now.getTime();
      const goneSince = Math.max(presence?.lastSeenAt?.getTime() ?? assignedAt, assignedAt);
      const requeueAt = goneSince + settings.disconnectGraceMs;
      if (requeueAt <= now.getTime()) await deps.routing.requeue(conversation, 'agent-disconnected');
      else nextAt = Math.min(nextAt ?? requeueAt, requeueAt);
    }
    if (nextAt !== null) await deps.timers.arm('agent-gone', agentId, new Date(nextAt));
  }

  /** Runs one check, logging (not throwing) a failure: the next catch-up tries again. */
  async function guarded(subject: Record<string, unknown>, check: () => Promise<void>): Promise<void> {
    try {
      await check();
    } catch (error) {
      log.warn({ err: error, ...subject }, 'a timed check failed; a later sweep retries');
    }
  }

  /** On a node's first sweep: conversations assigned before timers existed get theirs (due at once). */
  async function watchUnwatched(): Promise<void> {
    for (const conversation of await deps.conversations.listAssigned()) {
      await deps.timers.armIfMissing(
        'conversation',
        conversation.id,
        conversation.assignedAt ?? deps.clock.now(),
      );
    }
  }

  /** What fell due since the last sweep: timers due by now, and agents whose leases lapsed. */
  async function readDue(now: Date): Promise<{ timers: Timer[]; agentIds: string[] }> {
    const nowSlot = Math.floor(now.getTime() / SLOT_MS);
    const from = readUpTo === null ? null : readUpTo + 1;
    // The current slot is read again next time: what is due later in it is handled then.
    readUpTo = nowSlot - 1;
    if (from === null) await watchUnwatched();
    if (from === null || nowSlot - from + 1 > MAX_SLOTS_PER_SWEEP || sweeps % CATCH_UP_EVERY_SWEEPS === 0) {
      const since = from === null ? new Date(0) : new Date(from * SLOT_MS);
      const [timers, agentIds] = await Promise.all([
        deps.timers.dueBy(now, MAX_CATCH_UP),
        deps.leases.agentsLapsedBetween(since, now),
      ]);
      return { timers, agentIds };
    }
    const slots = [];
    for (let slot = from; slot <= nowSlot; slot++) slots.push(String(slot));
    const [timers, agentIds] = await Promise.all([
      Promise.all(slots.map((slot) => deps.timers.inSlot(slot))),
      Promise.all(slots.map((slot) => deps.leases.agentsLapsingIn(slot))),
    ]);
    return {
      timers: timers.flat().filter((timer) => timer.dueAt <= now),
      agentIds: [...new Set(agentIds.flat())],
    };
  }

  async function handleDue(now: Date): Promise<void> {
    const { timers, agentIds } = await readDue(now);
    const sites = new Map<string, Promise<RoutingSettings | null>>();
    const agents = new Set(agentIds);
    for (const timer of timers) {
      if (timer.kind === 'agent-gone') agents.add(timer.subjectId);
      else await guarded({ conversationId: timer.subjectId }, () => checkConversation(timer, sites));
    }
    for (const agentId of agents) await guarded({ agentId }, () => checkAgent(agentId, sites));
  }

  /** [RT19] Online agents without console activity for the site's idle time are set away. */
  async function idleAway(): Promise<void> {
    const now = deps.clock.now().getTime();
    for (const site of await deps.sites.listAll()) {
      const idleMs = site.routing.idleAwayMs;
      if (!idleMs) continue;
      for (const { agent, lastActivityAt } of await deps.agents.onlineWithActivity(site.id)) {
        if (!lastActivityAt || lastActivityAt.getTime() + idleMs > now) continue;
        await deps.agents.setStatus(agent.id, 'away');
        deps.notifier.agentChanged(toAgentProfile({ ...agent, status: 'away' }, deps.defaultCapacity));
        await deps.routing.agentLeft({ ...agent, status: 'away' });
        log.info({ agentId: agent.id, siteId: site.id }, 'set away after idle time');
      }
    }
  }

  return {
    async sweep(): Promise<void> {
      const now = deps.clock.now();
      await deps.leases.renewForNode(
        deps.nodeId,
        deps.localLeaseIds(),
        new Date(now.getTime() + deps.presenceLeaseMs),
      );
      if (sweeps++ % PRUNE_EVERY_SWEEPS === 0) await deps.leases.prune(now);
      await idleAway();
      await handleDue(now);
      await deps.routing.drainAll();
    },
  };
}
export type Sweeper = ReturnType<typeof createSweeper>;
