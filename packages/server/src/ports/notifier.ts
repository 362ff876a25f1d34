import type { AgentProfile, PageView, QueuePosition, Rating, Receipt } from '@hovor/protocol';
import type { Conversation } from '../conversations/conversation.repository.js';
import type { StoredMessage } from '../messages/message.repository.js';

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
