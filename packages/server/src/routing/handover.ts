import type { ConversationSummary, TransferTarget } from '@hovor/protocol';
import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import type { Conversation, ConversationRepository } from '../conversations/conversation.repository.js';
import { transition } from '../conversations/conversation-state.js';
import { serverMsgId, type Transcript } from '../conversations/transcript.js';
import { toSummary } from '../conversations/wire.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { Turns } from '../turns.js';
import type { ActionClaimRepository } from './action-claims.repository.js';
import type { Assignment } from './assignment.js';
import type { AssignmentClaimRepository } from './assignment-claims.repository.js';
import type { CapacityRepository } from './capacity.repository.js';
import type { Eligibility } from './eligibility.js';
import type { QueuePositions } from './queue-positions.js';

export interface HandoverDeps {
  conversations: ConversationRepository;
  agents: AgentRepository;
  capacity: CapacityRepository;
  assignmentClaims: AssignmentClaimRepository;
  actions: ActionClaimRepository;
  transcript: Transcript;
  notifier: Notifier;
  clock: Clock;
}

/**
 * What agents do to a conversation's ownership themselves: take a queued one [RT14], transfer
 * their own [RT16], reopen a left message [RT18]. Built on eligibility and assignment, with their claims.
 */
export function createHandover(
  deps: HandoverDeps,
  routing: {
    eligibility: Eligibility;
    assignment: Assignment;
    positions: QueuePositions;
    /** The turns per site that drains take too. */
    siteTurns: Turns;
    log: Logger;
  },
) {
  const { eligibility, assignment, positions, siteTurns, log } = routing;
  return {
    /** [RT14] An eligible agent takes a queued conversation; one of concurrent takers wins. */
    async take(agent: Agent, conversationId: string): Promise<ConversationSummary> {
      const conversation = await deps.conversations.findById(conversationId);
      if (!conversation || !agent.siteIds.includes(conversation.siteId)) {
        throw new AppError('NOT_FOUND', 'No such conversation');
      }
      return siteTurns.inTurn(conversation.siteId, async () => {
        const current = (await deps.conversations.findById(conversationId))!;
        // [P6] A retried take whose first answer was lost: the taker already owns it.
        if (current.state === 'assigned' && current.agentId === agent.id) return toSummary(current);
        if (current.state !== 'queued')
          throw new AppError('CONFLICT', 'This conversation has already been taken');
        const ctx = (await eligibility.loadSite(current.siteId))!;
        const candidate = (await eligibility.rankedIn(ctx, [], null)).find((c) => c.id === agent.id);
        if (!candidate) {
          throw new AppError('CONFLICT', 'Go online with a free chat slot to take a conversation');
        }
        const outcome = await assignment.claimFor(current, candidate, candidate.active);
        if (outcome === 'full') throw new AppError('CONFLICT', 'You have no free chat slot');
        if (outcome === 'lost') throw new AppError('CONFLICT', 'This conversation has already been taken');
        const assigned = await assignment.finishAssignment(current, agent, ctx.site);
        positions.request(current.siteId);
        return toSummary(assigned);
      });
    },

    /**
     * [RT16] Hands an assigned conversation to an eligible colleague (a new round claimed for
     * them, with a slot) or back to the queue of a department; the comment becomes an internal note.
     */
    async transfer(
      agent: Agent,
      conversationId: string,
      target: TransferTarget,
      comment: string | undefined,
    ): Promise<ConversationSummary> {
      const conversation = await deps.conversations.findById(conversationId);
      if (!conversation || !agent.siteIds.includes(conversation.siteId)) {
        throw new AppError('NOT_FOUND', 'No such conversation');
      }
      const moved = await siteTurns.inTurn(conversation.siteId, async () => {
        const current = (await deps.conversations.findById(conversationId))!;
        const isPrivileged = agent.role === 'admin' || agent.role === 'supervisor';
        if (current.state !== 'assigned')
          throw new AppError('CONFLICT', 'Only an assigned conversation can be transferred');
        if (current.agentId !== agent.id && !isPrivileged) {
          throw new AppError('FORBIDDEN', 'Only the assigned agent can transfer this conversation');
        }
        const ctx = (await eligibility.loadSite(current.siteId))!;
        let targetAgent: Agent | undefined;
        if (target.type === 'agent') {
          targetAgent = ctx.agents.find((a) => a.id === target.agentId);
          if (!targetAgent) throw new AppError('NOT_FOUND', 'No such colleague on this site');
          if (targetAgent.id === current.agentId)
            throw new AppError('CONFLICT', 'The conversation is already theirs');
        } else if (ctx.departments.get(target.departmentId)?.siteId !== current.siteId) {
          throw new AppError('NOT_FOUND', 'No such department on this site');
        }
        const now = deps.clock.now();
        const from = { id: current.agentId!, name: current.agentName };
        let next: Conversation;
        if (targetAgent) {
          const candidate = (await eligibility.rankedIn(ctx, [], null)).find((c) => c.id === targetAgent.id);
          const slot = candidate
            ? await deps.capacity.claimSlot(candidate.id, candidate.capacity, current.id, now)
            : null;
          const nextRound = { ...current, round: current.round + 1 };
          if (
            !slot ||
            !(await deps.assignmentClaims.claim(current.id, nextRound.round, targetAgent.id, now))
          ) {
            if (slot) await deps.capacity.releaseSlot(slot);
            throw new AppError(
              'CONFLICT',
              `${targetAgent.name} cannot take a chat now (not online or no free slot)`,
            );
          }
          await deps.capacity.releaseForAgent(current.id, from.id);
          await deps.conversations.markOwned(current.id, targetAgent, nextRound.round, now);
          await deps.agents.setLastAssignedAt(targetAgent.id, now);
          await assignment.watch(current.id, ctx.site, now);
          next = { ...nextRound, agentId: targetAgent.id, agentName: targetAgent.name, assignedAt: now };
        } else {
          // To a queue: no new owner claims the round, so the move itself is the claim [RT12].
          if (!(await deps.actions.claim('transfer', current.id, current.round, now))) {
            throw new AppError('CONFLICT', 'This conversation is already being transferred');
          }
          await deps.capacity.releaseForConversation(current.id);
          next = await deps.conversations.markRequeued(
            current,
            [],
            target.type === 'department' ? target.departmentId : current.departmentId,
          );
        }
        if (comment) {
          await deps.transcript.append(next, {
            conversationId: current.id,
            kind: 'note',
            author: { type: 'agent', id: agent.id, name: agent.name },
            text: comment,
            event: null,
            clientMsgId: serverMsgId(`note-transfer-${current.round}`),
          });
        }
        const { conversation: afterEvent } = await deps.transcript.append(next, {
          conversationId: current.id,
          kind: 'event',
          author: { type: 'agent', id: from.id, name: from.name },
          text: '',
          event: {
            type: 'transferred',
            agentId: targetAgent?.id ?? null,
            agentName: targetAgent?.name ?? null,
            reason: null,
          },
          clientMsgId: serverMsgId(`event-transferred-${current.round}`),
        });
        deps.notifier.conversationChanged(afterEvent);
        log.info({ conversationId: current.id, from: from.id, to: target }, 'transferred');
        return afterEvent;
      });
      if (moved.state === 'queued') await assignment.requestDrain(moved.siteId);
      const final = await deps.conversations.findById(conversationId);
      return toSummary(final ?? moved);
    },

    /** [RT18] An agent reopens a left message to reply: it becomes theirs, and the visitor's open conversation. */
    async reopen(agent: Agent, conversationId: string): Promise<ConversationSummary> {
      const conversation = await deps.conversations.findById(conversationId);
      if (!conversation || !agent.siteIds.includes(conversation.siteId)) {
        throw new AppError('NOT_FOUND', 'No such conversation');
      }
      return siteTurns.inTurn(conversation.siteId, async () => {
        const current = (await deps.conversations.findById(conversationId))!;
        const state = transition(current.state, 'reopen');
        const now = deps.clock.now();
        const ctx = (await eligibility.loadSite(current.siteId))!;
        const capacity = eligibility.capacityOf(ctx.agents.find((a) => a.id === agent.id) ?? agent, ctx.site);
        // A slot, then the round [RT3], then the visitor's open conversation [RT4]. The round's
        // winner alone undoes: a visitor chatting already is answered there, and the message
        // waits for a later round.
        const slot = await deps.capacity.claimSlot(agent.id, capacity, current.id, now);
        if (!slot) throw new AppError('CONFLICT', 'You have no free chat slot');
        if (!(await deps.assignmentClaims.claim(current.id, current.round, agent.id, now))) {
          await deps.capacity.releaseSlot(slot);
          throw new AppError('CONFLICT', 'A colleague is already replying to this message');
        }
        const holder = await deps.conversations.claimOpen(current.siteId, current.visitorId, current.id, now);
        if (holder !== current.id) {
          await deps.capacity.releaseSlot(slot);
          await deps.conversations.nextRound(current.id, current.round + 1);
          throw new AppError('CONFLICT', 'The visitor has an open conversation; answer there');
        }
        await deps.conversations.markOwned(current.id, agent, current.round, now);
        await deps.agents.setLastAssignedAt(agent.id, now);
        await assignment.watch(current.id, ctx.site, now);
        const reopened: Conversation = {
          ...current,
          state,
          agentId: agent.id,
          agentName: agent.name,
          assignedAt: now,
        };
        const { conversation: afterEvent } = await deps.transcript.append(reopened, {
          conversationId: current.id,
          kind: 'event',
          author: { type: 'agent', id: agent.id, name: agent.name },
          text: '',
          event: { type: 'reopened', agentId: agent.id, agentName: agent.name, reason: null },
          clientMsgId: serverMsgId(`event-reopened-${current.round}`),
        });
        deps.notifier.conversationChanged(afterEvent);
        return toSummary(afterEvent);
      });
    },
  };
}
