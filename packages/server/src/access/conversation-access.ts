import type { Agent } from '../agents/agent.repository.js';
import type { Conversation } from '../conversations/conversation.repository.js';
import { AppError } from '../errors.js';
import type { Visitor } from '../visitors/visitor.repository.js';

/** Who is asking: a visitor (token, and identity when signed in) or a signed-in, active agent. */
export type Principal = { type: 'visitor'; visitor: Visitor } | { type: 'agent'; agent: Agent };

/** [A2] Supervisors and admins oversee every conversation of their sites. */
export function oversees(agent: Agent, siteId: string): boolean {
  return (agent.role === 'supervisor' || agent.role === 'admin') && agent.siteIds.includes(siteId);
}

/** [A1] Whether the agent is a supervisor or an admin of at least one of their sites (policy `supervisor`). */
export function overseesAny(agent: Agent): boolean {
  return agent.siteIds.some((siteId) => oversees(agent, siteId));
}

/**
 * [A2] Whether an agent may read a conversation: of one of their sites, and either overseen
 * (supervisor, admin) or one an agent works on — the queue, their own, left messages, and the
 * closed history. Another agent's open chat is not theirs to watch.
 */
export function agentMayRead(agent: Agent, conversation: Conversation): boolean {
  if (!agent.siteIds.includes(conversation.siteId)) return false;
  if (oversees(agent, conversation.siteId)) return true;
  return conversation.state !== 'assigned' || conversation.agentId === agent.id;
}

/** [A2] A visitor reads only their own conversations. */
export function visitorOwns(visitor: Visitor, conversation: Conversation): boolean {
  return conversation.visitorId === visitor.id && conversation.siteId === visitor.siteId;
}

/** What a conversation-scoped policy asks of the principal [A1]. */
export type ConversationRule = 'visitor' | 'reader' | 'assignee' | 'manager' | 'participant';

/**
 * [A1][A2] The one place that decides who may touch a conversation. Someone who may not even read
 * it gets NOT_FOUND (its existence is not theirs to learn); a reader without the right gets
 * FORBIDDEN.
 */
export function authorizeConversation(
  rule: ConversationRule,
  principal: Principal,
  conversation: Conversation | null,
): Conversation {
  const notFound = () => new AppError('NOT_FOUND', 'No such conversation');
  if (!conversation) throw notFound();
  if (principal.type === 'visitor') {
    if ((rule === 'visitor' || rule === 'participant') && visitorOwns(principal.visitor, conversation)) {
      return conversation;
    }
    throw notFound();
  }
  const { agent } = principal;
  if (rule === 'visitor' || !agentMayRead(agent, conversation)) throw notFound();
  if (rule === 'assignee' && conversation.agentId !== agent.id) {
    throw new AppError('FORBIDDEN', 'Only the assigned agent can do this');
  }
  if (rule === 'manager' && conversation.agentId !== agent.id && !oversees(agent, conversation.siteId)) {
    throw new AppError('FORBIDDEN', 'Only the assigned agent or a supervisor can do this');
  }
  return conversation;
}
