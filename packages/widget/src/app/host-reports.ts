import type { Availability } from '@hovor/protocol';
import { type ChatState, isConversationActive, unreadCount } from './chat-state.js';
import type { HostChannel } from './host-channel.js';
import { lastSeqOf } from './messages.js';

/**
 * What the frame tells the host page as the chat changes, each once per change, from the first
 * sync on (before it, the frame does not know the conversation): whether a conversation is going
 * on (so the launcher loads the chat on the next page), the unread count, and the page's
 * `Hovor('on', …)` events. A message event says who wrote, never what: the conversation stays out
 * of the host page's reach.
 */
export function createHostReports(
  state: ChatState,
  host: HostChannel,
  isPageVisible: () => boolean,
  /** An agent's new message arrived while the visitor is not looking (for the chime). */
  onUnseenAgentMessage: () => void = () => undefined,
) {
  let isSynced = false;
  let postedIsActive: boolean | null = null;
  let postedUnread: number | null = null;
  let postedAvailability: Availability | null = null;
  let postedAgentKey: string | null = null;
  /** The conversation the page knows of, and up to which seq it was told of its messages. */
  let known: { id: string; seq: number; isClosed: boolean } | null = null;

  function activity(): void {
    const isActive = isConversationActive(state.get());
    if (isActive !== postedIsActive) {
      postedIsActive = isActive;
      host.post({ type: 'conversation', isActive });
    }
    // What the visitor is looking at is being read: no count while the chat is open and in view.
    const isInView = host.isOpen && isPageVisible();
    const unread = isInView ? 0 : unreadCount(state.get());
    if (unread !== postedUnread) {
      postedUnread = unread;
      host.post({ type: 'unread', count: unread });
    }
  }

  function conversationEvents(): void {
    const { conversation, messages } = state.get();
    if (!conversation || conversation.state === 'offline') return;
    const isClosed = conversation.state === 'closed';
    if (known?.id !== conversation.id) {
      // The first sync's conversation is known (see synced()): another one started since.
      known = { id: conversation.id, seq: 0, isClosed };
      if (!isClosed) {
        host.post({ type: 'event', name: 'conversation:started', data: { conversationId: conversation.id } });
      }
    }
    for (const m of messages) {
      if (m.seq <= known.seq) continue;
      known.seq = m.seq;
      if (m.author.type === 'agent' && !(host.isOpen && isPageVisible())) onUnseenAgentMessage();
      host.post({
        type: 'event',
        name: 'message',
        data: { conversationId: m.conversationId, from: m.author.type },
      });
    }
    if (isClosed && !known.isClosed) {
      host.post({ type: 'event', name: 'conversation:ended', data: { conversationId: conversation.id } });
    }
    known.isClosed = isClosed;
  }

  const report = () => {
    if (isSynced) activity();
  };

  function events(): void {
    if (isSynced) conversationEvents();
    const { availability, conversation } = state.get();
    if (availability && availability !== postedAvailability) {
      postedAvailability = availability;
      host.post({ type: 'event', name: 'availability', data: availability });
    }
    const agent = conversation?.state === 'assigned' ? conversation.agent : null;
    // Keyed by conversation too: the same agent taking a new conversation is a new assignment.
    const agentKey = agent && `${conversation?.id}:${agent.id}`;
    if (agent && agentKey !== postedAgentKey) {
      host.post({ type: 'event', name: 'agent:assigned', data: agent });
    }
    postedAgentKey = agentKey;
  }

  return {
    /** The first sync is done: from now on the conversation's state is known. */
    synced(): void {
      if (isSynced) return;
      isSynced = true;
      // What the first sync brought was there before: the page hears only of what follows.
      const { conversation, messages } = state.get();
      if (conversation) {
        known = { id: conversation.id, seq: lastSeqOf(messages), isClosed: conversation.state === 'closed' };
      }
      activity();
      events();
    },
    /** Another visitor now (identified, or reset): the next sync is a first one again. */
    restart(): void {
      isSynced = false;
      known = null;
      postedAgentKey = null;
    },
    /** Starts reporting; returns the disposers. */
    start(): Array<() => void> {
      // Events first: the page hears of a message before the count it changed.
      return [state.subscribe(events), state.subscribe(report), host.onOpened(report), host.onClosed(report)];
    },
    /** Call when the page is shown or hidden: what is in view is being read. */
    visibilityChanged: () => report(),
  };
}
