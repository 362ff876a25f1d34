import type {
  AgentClientToServerEvents,
  AgentProfile,
  AgentServerToClientEvents,
  PageView,
  QueuePosition,
  Rating,
  Receipt,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '@hovor/protocol';
import type { Namespace } from 'socket.io';
import type { Conversation } from '../conversations/conversation.repository.js';
import { toSummary, toVisitorConversation, toWireMessage } from '../conversations/wire.js';
import type { StoredMessage } from '../messages/message.repository.js';

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

/** Tells the clients about changes; services call it after the database write. */
export interface Notifier {
  conversationChanged(conversation: Conversation): void;
  messageCreated(conversation: Conversation, message: StoredMessage): void;
  typingChanged(
    conversation: Conversation,
    from: 'visitor' | 'agent',
    isTyping: boolean,
    name: string | null,
  ): void;
  agentChanged(profile: AgentProfile): void;
  /** A side's receipt grew: both sides hear it (the other side's messages change state, own tabs catch up). */
  receiptChanged(conversation: Conversation, receipt: Receipt): void;
  /** The visitor rated the conversation: the agents who see it and the visitor's other tabs hear it. */
  conversationRated(conversation: Conversation, rating: Rating): void;
  /** The visitor of an open conversation viewed a page [P18]. */
  pageViewed(conversation: Conversation, page: PageView): void;
  /** [RT13] Waiting visitors' places in their queues. */
  queuePositions(positions: ReadonlyArray<{ visitorId: string; position: QueuePosition }>): void;
}

/** A notifier that tells nobody, until the socket namespaces exist. */
export const silentNotifier: Notifier = {
  conversationChanged: () => {},
  messageCreated: () => {},
  typingChanged: () => {},
  agentChanged: () => {},
  receiptChanged: () => {},
  conversationRated: () => {},
  pageViewed: () => {},
  queuePositions: () => {},
};

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
