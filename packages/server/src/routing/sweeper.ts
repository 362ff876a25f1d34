import { type AgentRepository, toAgentProfile } from '../agents/agent.repository.js';
import type { Clock } from '../clock.js';
import type { Conversation, ConversationRepository } from '../conversations/conversation.repository.js';
import type { ConversationCloser } from '../conversations/conversation-closer.js';
import { SYSTEM_AUTHOR } from '../conversations/transcript.js';
import type { Logger } from '../logger.js';
import type { MessageRepository } from '../messages/message.repository.js';
import type { RoutingSettings } from '../sites/routing-settings.js';
import type { SiteRepository } from '../sites/site.repository.js';
import type { Notifier } from '../sockets/notifier.js';
import type { ActionClaimRepository } from './action-claims.repository.js';
import type { LeaseRepository, Presence } from './lease.repository.js';
import type { RoutingService } from './routing.service.js';

/** How long a connection lease lives without renewal; a vanished browser or node is offline after this. [RT7] */
export const DEFAULT_PRESENCE_LEASE_MS = 30_000;
/** How often old lease records are pruned, in sweeps. */
const PRUNE_EVERY_SWEEPS = 600;

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
  notifier: () => Notifier;
  defaultCapacity: number;
}

/**
 * One sweep: renew this node's leases, apply the timeouts, route the queues. Safe on every
 * node at once: each timed action is a claim [RT12], each assignment too [RT3].
 */
export function createSweeper(deps: SweeperDeps) {
  const log = deps.logger.child({ module: 'sweeper' });
  /** Rounds known to have had their first reply, so the check stops asking. */
  const repliedRounds = new Set<string>();
  let sweeps = 0;

  async function applyTimeouts(
    conversation: Conversation,
    settings: RoutingSettings,
    presence: Presence | undefined,
  ): Promise<void> {
    const now = deps.clock.now().getTime();
    const assignedAt = conversation.assignedAt?.getTime() ?? now;

    // [RT8] The owner has had no live connection for longer than the grace period.
    if (!presence?.isConnected) {
      const goneSince = Math.max(presence?.lastSeenAt?.getTime() ?? assignedAt, assignedAt);
      if (goneSince + settings.disconnectGraceMs <= now)
        await deps.routing.requeue(conversation, 'agent-disconnected');
      return;
    }

    // [RT9] No agent reply within the SLA after assignment.
    const roundKey = `${conversation.id}:${conversation.round}`;
    if (!repliedRounds.has(roundKey) && assignedAt + settings.firstReplySlaMs <= now) {
      if (await deps.messages.hasAgentTextSince(conversation.id, new Date(assignedAt))) {
        repliedRounds.add(roundKey);
      } else {
        await deps.routing.requeue(conversation, 'no-first-reply');
        return;
      }
    }

    // [RT11] No message for the inactivity period (the cache filters, the messages decide).
    const cachedLast = Math.max(conversation.lastMessageAt?.getTime() ?? 0, assignedAt);
    if (cachedLast + settings.inactivityCloseMs > now) return;
    const last = Math.max((await deps.messages.lastMessageAt(conversation.id))?.getTime() ?? 0, assignedAt);
    if (last + settings.inactivityCloseMs > now) return;
    if (!(await deps.actions.claim('close-inactive', conversation.id, conversation.round, deps.clock.now())))
      return;
    await deps.closer.close(conversation, SYSTEM_AUTHOR, 'inactivity');
  }

  async function timeouts(): Promise<void> {
    const assigned = await deps.conversations.listAssigned();
    if (assigned.length === 0) return;
    const agentIds = [...new Set(assigned.map((conversation) => conversation.agentId!))];
    const presence = await deps.leases.presence(agentIds, deps.clock.now());
    const settings = new Map<string, RoutingSettings>();
    for (const conversation of assigned) {
      if (!settings.has(conversation.siteId)) {
        const site = await deps.sites.findById(conversation.siteId);
        if (!site) continue;
        settings.set(conversation.siteId, site.routing);
      }
      try {
        await applyTimeouts(
          conversation,
          settings.get(conversation.siteId)!,
          presence.get(conversation.agentId!),
        );
      } catch (error) {
        log.warn(
          { err: error, conversationId: conversation.id },
          'timeout handling failed; the next sweep retries',
        );
      }
    }
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
        deps.notifier().agentChanged(toAgentProfile({ ...agent, status: 'away' }, deps.defaultCapacity));
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
      if (++sweeps % PRUNE_EVERY_SWEEPS === 0) await deps.leases.prune(now);
      await idleAway();
      await timeouts();
      await deps.routing.drainAll();
    },
  };
}
export type Sweeper = ReturnType<typeof createSweeper>;
