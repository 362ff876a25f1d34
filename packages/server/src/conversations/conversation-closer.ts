import type { Author, EventReason } from '@hovor/protocol';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { CapacityRepository } from '../routing/capacity.repository.js';
import type { RoutingService } from '../routing/routing.service.js';
import type { Conversation, ConversationRepository } from './conversation.repository.js';
import { transition } from './conversation-state.js';
import { serverMsgId, type Transcript } from './transcript.js';

/** Closing a conversation, by an agent or by the system: one path, idempotent. */
export function createConversationCloser(deps: {
  conversations: ConversationRepository;
  capacity: CapacityRepository;
  transcript: Transcript;
  routing: RoutingService;
  notifier: Notifier;
  clock: Clock;
}) {
  return {
    /**
     * Records the close with its event message, frees the visitor's open-conversation claim and
     * the agent's capacity, tells both sides, and routes the queue into the freed slot.
     */
    async close(conversation: Conversation, by: Author, reason: EventReason | null): Promise<Conversation> {
      if (conversation.state === 'closed') return conversation;
      const now = deps.clock.now();
      const state = transition(conversation.state, 'close');
      await deps.conversations.markClosed(conversation.id, now);
      const closed: Conversation = { ...conversation, state, closedAt: now };
      const { conversation: final } = await deps.transcript.append(closed, {
        conversationId: conversation.id,
        kind: 'event',
        author: by,
        text: '',
        event: { type: 'closed', agentId: by.type === 'agent' ? by.id : null, agentName: by.name, reason },
        clientMsgId: serverMsgId('event-closed'),
      });
      await deps.conversations.releaseOpen(conversation.siteId, conversation.visitorId, conversation.id);
      await deps.capacity.releaseForConversation(conversation.id);
      deps.notifier.conversationChanged(final);
      deps.routing.assignQueuedInBackground([conversation.siteId]);
      return final;
    },
  };
}
export type ConversationCloser = ReturnType<typeof createConversationCloser>;
