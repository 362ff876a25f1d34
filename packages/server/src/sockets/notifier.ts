import type {
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '@hovor/protocol';
import type { Namespace } from 'socket.io';
import type { Conversation } from '../conversations/conversation.repository.js';
import { toSummary, toVisitorConversation, toWireMessage } from '../conversations/wire.js';
import type { Notifier } from '../ports/notifier.js';

export type VisitorNamespace = Namespace<VisitorClientToServerEvents, VisitorServerToClientEvents>;
export type AgentNamespace = Namespace<AgentClientToServerEvents, AgentServerToClientEvents>;

/** Rooms: every socket of a visitor, of an agent, the agents of a site, the viewers of a conversation. */
export const rooms = {
  visitor: (visitorId: string) => `visitor:${visitorId}`,
  agent: (agentId: string) => `agent:${agentId}`,
  /** The console sockets of one session (`sessionId` is the token's hash, never sent anywhere). */
  session: (sessionId: string) => `session:${sessionId}`,
  site: (siteId: string) => `site:${siteId}`,
  conversation: (conversationId: string) => `conv:${conversationId}`,
};

/** The Notifier port over Socket.IO: each change goes to the rooms of those who see it. */
export function createSocketNotifier(visitors: VisitorNamespace, agents: AgentNamespace): Notifier {
  function agentAudience(conversation: Conversation): string[] {
    const audience = [rooms.conversation(conversation.id)];
    if (conversation.agentId) audience.push(rooms.agent(conversation.agentId));
    return audience;
  }

  return {
    conversationChanged(conversation) {
      visitors
        .to(rooms.visitor(conversation.visitorId))
        .emit('conversation:updated', toVisitorConversation(conversation));
      agents.to(rooms.site(conversation.siteId)).emit('conversation:updated', toSummary(conversation));
    },
    messageCreated(conversation, message) {
      const wire = toWireMessage(message);
      // Internal notes are for agents only.
      if (message.kind !== 'note')
        visitors.to(rooms.visitor(conversation.visitorId)).emit('message:created', wire);
      agents.to(agentAudience(conversation)).emit('message:created', wire);
      // A message changes only the conversation's preview: those who hold the conversation (its
      // owner, its viewers) hear it; a waiting one's preview shows in every agent's queue.
      const listeners =
        conversation.state === 'assigned' ? agentAudience(conversation) : rooms.site(conversation.siteId);
      agents.to(listeners).emit('conversation:updated', toSummary(conversation));
    },
    typingChanged(conversation, from, isTyping, name) {
      const payload = { conversationId: conversation.id, isTyping, name };
      if (from === 'visitor') agents.to(agentAudience(conversation)).emit('typing:changed', payload);
      else visitors.to(rooms.visitor(conversation.visitorId)).emit('typing:changed', payload);
    },
    agentChanged(profile) {
      agents.to(rooms.agent(profile.id)).emit('agent:updated', profile);
    },
    receiptChanged(conversation, receipt) {
      visitors.to(rooms.visitor(conversation.visitorId)).emit('receipt:updated', receipt);
      agents.to(agentAudience(conversation)).emit('receipt:updated', receipt);
    },
    conversationRated(conversation, rating) {
      visitors.to(rooms.visitor(conversation.visitorId)).emit('conversation:rated', rating);
      agents.to(agentAudience(conversation)).emit('conversation:rated', rating);
    },
    pageViewed(conversation, page) {
      agents
        .to(agentAudience(conversation))
        .emit('conversation:page', { conversationId: conversation.id, page });
    },
    queuePositions(positions) {
      for (const { visitorId, position } of positions) {
        visitors.to(rooms.visitor(visitorId)).emit('queue:position', position);
      }
    },
  };
}
