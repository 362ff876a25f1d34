import type {
  TypingChanged,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '@hovor/protocol';
import {
  type ChatState,
  withConversation,
  withMessages,
  withQueuePosition,
  withRating,
  withReceipt,
} from './chat-state.js';
import type { HostChannel } from './host-channel.js';
import type { LiteSocket } from './socket-lite.js';

export type VisitorSocket = LiteSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>;

/**
 * What the server tells the visitor as it happens, into the chat's state: new messages, the
 * conversation's changes, receipts, ratings, the queue place (also for the page) and typing.
 */
export function listenToServer(
  s: VisitorSocket,
  deps: {
    state: ChatState;
    host: HostChannel;
    resync: () => void;
    onAgentTyping: (typing: TypingChanged) => void;
  },
): void {
  const { state, host } = deps;
  s.on('message:created', (message) => {
    state.update((st) => withMessages(st, [message]));
  });
  s.on('conversation:updated', (conversation) => {
    const current = state.get().conversation;
    // A left message is no chat; it comes back as one when an agent reopens it [RT18].
    if (conversation.state === 'offline' && current?.id !== conversation.id) return;
    // A newer conversation (e.g. started in another tab) replaces a closed or missing one.
    if (current && current.id !== conversation.id && current.state !== 'closed') return;
    const isNew = current?.id !== conversation.id;
    state.update((st) => withConversation(st, conversation));
    if (isNew) deps.resync();
  });
  s.on('receipt:updated', (receipt) => {
    state.update((st) => withReceipt(st, receipt));
  });
  s.on('conversation:rated', (rating) => {
    state.update((st) => withRating(st, rating));
  });
  s.on('queue:position', (position) => {
    const before = state.get();
    state.update((st) => withQueuePosition(st, position));
    // Only a position about the current, waiting conversation reaches the page.
    if (state.get() !== before) host.post({ type: 'event', name: 'queue:position', data: position });
  });
  s.on('typing:changed', deps.onAgentTyping);
}
