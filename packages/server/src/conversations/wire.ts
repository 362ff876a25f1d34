import type { ConversationSummary, Message, VisitorConversation } from '@hovor/protocol';
import type { StoredMessage } from '../messages/message.repository.js';
import type { Conversation } from './conversation.repository.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toWireMessage(message: StoredMessage): Message {
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    kind: message.kind,
    author: message.author,
    text: message.text,
    // Events stored before `reason` existed read as having none.
    event: message.event ? { ...message.event, reason: message.event.reason ?? null } : null,
    attachment: message.attachment ?? null,
    clientMsgId: message.kind === 'event' ? null : message.clientMsgId,
    createdAt: message.createdAt.toISOString(),
  };
}

export function toVisitorConversation(conversation: Conversation): VisitorConversation {
  return {
    id: conversation.id,
    state: conversation.state,
    agent: conversation.agentId ? { id: conversation.agentId, name: conversation.agentName ?? '' } : null,
    lastSeq: conversation.lastSeq,
    createdAt: conversation.createdAt.toISOString(),
    closedAt: iso(conversation.closedAt),
  };
}

export function toSummary(conversation: Conversation): ConversationSummary {
  return {
    id: conversation.id,
    siteId: conversation.siteId,
    visitorId: conversation.visitorId,
    visitorName: conversation.visitorName,
    state: conversation.state,
    agent: conversation.agentId ? { id: conversation.agentId, name: conversation.agentName ?? '' } : null,
    lastSeq: conversation.lastSeq,
    lastMessageText: conversation.lastMessageText,
    createdAt: conversation.createdAt.toISOString(),
    queuedAt: iso(conversation.queuedAt),
    assignedAt: iso(conversation.assignedAt),
    closedAt: iso(conversation.closedAt),
  };
}
