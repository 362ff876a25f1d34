import type {
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  ConversationSummary,
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

/** How often a site's agents hear of its conversations' changes at most, in ms (the list, not the chat). */
export const SITE_LIST_INTERVAL_MS = 200;
/** Summaries in one `conversations:updated` frame at most; more go in further frames. */
const SITE_LIST_FRAME_MAX = 100;

/**
 * Changes every agent of a site hears (the queue, colleagues' chats in their lists), gathered
 * per site and sent every SITE_LIST_INTERVAL_MS as one `conversations:updated` frame holding the
 * latest summary of each conversation: a site's agents get a frame per interval, not one per
 * change — a chat that starts and is assigned within it is one summary, not two frames to each.
 */
function createSiteLists(agents: AgentNamespace) {
  const pending = new Map<string, Map<string, ConversationSummary>>();
  const timers = new Map<string, NodeJS.Timeout>();

  function flush(siteId: string): void {
    timers.delete(siteId);
    const summaries = [...(pending.get(siteId)?.values() ?? [])];
    pending.delete(siteId);
    for (let from = 0; from < summaries.length; from += SITE_LIST_FRAME_MAX) {
      agents
        .to(rooms.site(siteId))
        .emit('conversations:updated', summaries.slice(from, from + SITE_LIST_FRAME_MAX));
    }
  }

  return {
    add(siteId: string, summary: ConversationSummary): void {
      const site = pending.get(siteId) ?? new Map<string, ConversationSummary>();
      // The latest change of a conversation replaces what it said before, in its new place.
      site.delete(summary.id);
      site.set(summary.id, summary);
      pending.set(siteId, site);
      if (!timers.has(siteId))
        timers.set(siteId, setTimeout(() => flush(siteId), SITE_LIST_INTERVAL_MS).unref());
    },
    /** Sends what is gathered now (a node that stops). */
    flushAll(): void {
      for (const [siteId, timer] of timers) {
        clearTimeout(timer);
        flush(siteId);
      }
    },
  };
}

/**
 * The Notifier port over Socket.IO: each change goes to the rooms of those who see it. A
 * conversation's owner and viewers hear its changes at once (`conversation:updated`); the rest of
 * the site's agents hear them in the site's next list frame (`conversations:updated`).
 */
export function createSocketNotifier(
  visitors: VisitorNamespace,
  agents: AgentNamespace,
): Notifier & { flush(): void } {
  const siteLists = createSiteLists(agents);

  function agentAudience(conversation: Conversation): string[] {
    const audience = [rooms.conversation(conversation.id)];
    if (conversation.agentId) audience.push(rooms.agent(conversation.agentId));
    return audience;
  }

  return {
    flush: siteLists.flushAll,
    conversationChanged(conversation) {
      visitors
        .to(rooms.visitor(conversation.visitorId))
        .emit('conversation:updated', toVisitorConversation(conversation));
      const summary = toSummary(conversation);
      agents.to(agentAudience(conversation)).emit('conversation:updated', summary);
      siteLists.add(conversation.siteId, summary);
    },
    messageCreated(conversation, message) {
      const wire = toWireMessage(message);
      // Internal notes are for agents only.
      if (message.kind !== 'note')
        visitors.to(rooms.visitor(conversation.visitorId)).emit('message:created', wire);
      agents.to(agentAudience(conversation)).emit('message:created', wire);
      // A message changes only the conversation's preview: those who hold the conversation (its
      // owner, its viewers) hear it; a waiting one's preview shows in every agent's queue.
      const summary = toSummary(conversation);
      agents.to(agentAudience(conversation)).emit('conversation:updated', summary);
      if (conversation.state !== 'assigned') siteLists.add(conversation.siteId, summary);
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
