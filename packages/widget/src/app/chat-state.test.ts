import type { Message, VisitorConversation } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import {
  type ChatSnapshot,
  chatView,
  createChatState,
  INITIAL_SNAPSHOT,
  isConversationActive,
  isRateable,
  unreadCount,
  withConversation,
  withMessages,
  withQueuePosition,
  withRating,
  withReceipt,
  withRefusedStart,
} from './chat-state.js';

const conversation = (id: string, state: VisitorConversation['state'] = 'queued'): VisitorConversation => ({
  id,
  state,
  agent: null,
  lastSeq: 0,
  createdAt: '2025-01-01T00:00:00.000Z',
  closedAt: null,
});

const message = (seq: number, type: 'visitor' | 'agent' | 'system'): Message => ({
  ...visitorMessage(seq, `client-${seq}`),
  author: { type, id: type === 'system' ? null : `${type}1`, name: null },
});

const visitorMessage = (seq: number, clientMsgId: string, conversationId = 'c1'): Message => ({
  id: `m${seq}`,
  conversationId,
  seq,
  kind: 'text',
  author: { type: 'visitor', id: 'v1', name: null },
  text: 'hello',
  event: null,
  attachment: null,
  clientMsgId,
  createdAt: '2025-01-01T00:00:00.000Z',
});

describe('chat state', () => {
  it('replaces the optimistic message by the confirmed one when message:created arrives before the ack', () => {
    let s = withConversation(INITIAL_SNAPSHOT, conversation('c1'));
    s = { ...s, pending: [{ clientMsgId: 'client-1', text: 'hello', isFailed: false }] };
    s = withMessages(s, [visitorMessage(2, 'client-1')]);
    // The ack then carries the same message again.
    s = withMessages(s, [visitorMessage(2, 'client-1')]);
    expect(s.pending).toEqual([]);
    expect(s.messages.map((m) => m.id)).toEqual(['m2']);
  });

  it('starts a fresh transcript when a new conversation replaces a closed one', () => {
    let s = withConversation(INITIAL_SNAPSHOT, conversation('c1'));
    s = withMessages(s, [visitorMessage(1, 'client-1')]);
    s = withConversation(s, conversation('c1', 'closed'));
    expect(s.messages).toHaveLength(1);
    expect(isConversationActive(s)).toBe(false);
    s = withConversation(s, conversation('c2'));
    expect(s.messages).toEqual([]);
    expect(isConversationActive(s)).toBe(true);
  });

  it('keeps the latest queue position of the shown conversation while it waits', () => {
    let s = withConversation(INITIAL_SNAPSHOT, conversation('c1'));
    s = withQueuePosition(s, { conversationId: 'c1', position: 2, etaSeconds: null });
    s = withQueuePosition(s, { conversationId: 'c1', position: 1, etaSeconds: 30 });
    expect(s.queue).toEqual({ conversationId: 'c1', position: 1, etaSeconds: 30 });
    // A new message changes the conversation but not its place.
    s = withConversation(s, { ...conversation('c1'), lastSeq: 2 });
    expect(s.queue?.position).toBe(1);
  });

  it('ignores the queue position of another conversation, or of one no longer waiting', () => {
    const queued = withConversation(INITIAL_SNAPSHOT, conversation('c1'));
    expect(withQueuePosition(queued, { conversationId: 'c0', position: 1, etaSeconds: null })).toBe(queued);
    expect(withQueuePosition(INITIAL_SNAPSHOT, { conversationId: 'c1', position: 1, etaSeconds: null })).toBe(
      INITIAL_SNAPSHOT,
    );
    const assigned = withConversation(queued, conversation('c1', 'assigned'));
    expect(withQueuePosition(assigned, { conversationId: 'c1', position: 1, etaSeconds: null })).toBe(
      assigned,
    );
  });

  it('forgets the queue position when the conversation is assigned, closed or replaced', () => {
    const waiting = withQueuePosition(withConversation(INITIAL_SNAPSHOT, conversation('c1')), {
      conversationId: 'c1',
      position: 1,
      etaSeconds: null,
    });
    expect(withConversation(waiting, conversation('c1', 'assigned')).queue).toBeNull();
    expect(withConversation(waiting, conversation('c1', 'closed')).queue).toBeNull();
    expect(withConversation(waiting, conversation('c2')).queue).toBeNull();
  });

  it('notifies subscribers on change until they unsubscribe', () => {
    const state = createChatState();
    let calls = 0;
    const off = state.subscribe(() => calls++);
    state.update((s) => ({ ...s, connection: 'online' }));
    off();
    state.update((s) => ({ ...s, connection: 'offline' }));
    expect(calls).toBe(1);
    expect(state.get().connection).toBe('offline');
  });
});

describe('what the frame offers [RT17]', () => {
  const offline = { mode: 'offline', offlineText: 'We are away until 9:00.' } as const;

  it('shows the chat until the availability is known, and in the live and queue modes', () => {
    expect(chatView(INITIAL_SNAPSHOT)).toBe('chat');
    for (const mode of ['live', 'queue'] as const) {
      expect(chatView({ ...INITIAL_SNAPSHOT, availability: { mode, offlineText: '' } })).toBe('chat');
    }
  });

  it('shows the form when offline and only a notice when hidden, without an open conversation', () => {
    expect(chatView({ ...INITIAL_SNAPSHOT, availability: offline })).toBe('offline');
    expect(chatView({ ...INITIAL_SNAPSHOT, availability: { mode: 'hidden', offlineText: '' } })).toBe(
      'hidden',
    );
    const closed = withConversation(INITIAL_SNAPSHOT, conversation('c1', 'closed'));
    expect(chatView({ ...closed, availability: offline })).toBe('offline');
  });

  it('lets an open conversation go on whatever the mode', () => {
    const open = withConversation(INITIAL_SNAPSHOT, conversation('c1', 'assigned'));
    expect(chatView({ ...open, availability: offline })).toBe('chat');
  });

  it('moves the text of a start refused as offline to the form, and the form in', () => {
    let s: ChatSnapshot = {
      ...INITIAL_SNAPSHOT,
      pending: [
        { clientMsgId: 'client-1', text: 'Is the shop open on Sunday?', isFailed: false },
        { clientMsgId: 'client-2', text: 'And on Monday?', isFailed: false },
      ],
    };
    s = withRefusedStart(s, 'client-1', offline);
    s = withRefusedStart(s, 'client-2', offline);
    expect(s.pending).toEqual([]);
    expect(s.draft).toBe('Is the shop open on Sunday?\nAnd on Monday?');
    expect(chatView(s)).toBe('offline');
  });
});

describe('receipts in the chat state', () => {
  const receipt = (
    side: 'agent' | 'visitor',
    deliveredSeq: number,
    readSeq: number,
    conversationId = 'c1',
  ) => ({
    conversationId,
    side,
    deliveredSeq,
    readSeq,
  });

  it('[P13] keeps the agent side’s receipt of the shown conversation and never a lower one', () => {
    let s = withConversation(INITIAL_SNAPSHOT, conversation('c1'));
    s = withReceipt(s, receipt('agent', 3, 2));
    expect(s.receipt).toEqual(receipt('agent', 3, 2));
    expect(withReceipt(s, receipt('agent', 2, 1))).toBe(s);
    expect(withReceipt(s, receipt('visitor', 9, 9)).receipt).toBe(s.receipt);
    expect(withReceipt(s, receipt('agent', 9, 9, 'c2'))).toBe(s);
    expect(withReceipt(s, receipt('agent', 4, 2)).receipt).toEqual(receipt('agent', 4, 2));
  });

  it('counts the agent messages after the visitor’s own stored read position as unread', () => {
    let s = withConversation(INITIAL_SNAPSHOT, conversation('c1'));
    s = withMessages(s, [
      message(1, 'visitor'),
      message(2, 'agent'),
      message(3, 'system'),
      message(4, 'agent'),
    ]);
    expect(unreadCount(s)).toBe(2);
    s = withReceipt(s, receipt('visitor', 4, 2));
    expect(unreadCount(s)).toBe(1);
    // Never back: an older report arriving late changes nothing.
    expect(withReceipt(s, receipt('visitor', 4, 1))).toBe(s);
    s = withReceipt(s, receipt('visitor', 4, 4));
    expect(unreadCount(s)).toBe(0);
    expect(withConversation(s, conversation('c2')).readSeq).toBe(0);
  });

  it('[P13] forgets the receipt when another conversation is shown', () => {
    const s = withReceipt(withConversation(INITIAL_SNAPSHOT, conversation('c1')), receipt('agent', 3, 3));
    expect(withConversation(s, conversation('c2')).receipt).toBeNull();
  });
});

describe('what a resync asks for', () => {
  it('[P8] resumes after the last message held without a gap, not after the highest seq seen', () => {
    let s = withConversation(INITIAL_SNAPSHOT, conversation('c1'));
    s = withMessages(s, [visitorMessage(1, 'a'), visitorMessage(2, 'b')], true);
    expect(s.syncedSeq).toBe(2);
    // Seq 4 overtook seq 3: a cut now must not skip 3.
    s = withMessages(s, [visitorMessage(4, 'd')]);
    expect(s.syncedSeq).toBe(2);
    s = withMessages(s, [visitorMessage(3, 'c')]);
    expect(s.syncedSeq).toBe(4);
  });

  it('[P8][P12] trusts a sync page across the gaps internal notes leave', () => {
    let s = withConversation(INITIAL_SNAPSHOT, conversation('c1'));
    s = withMessages(s, [visitorMessage(1, 'a'), visitorMessage(5, 'e')], true);
    expect(s.syncedSeq).toBe(5);
    expect(withConversation(s, conversation('c2')).syncedSeq).toBe(0);
  });

  it('[P17] offers a rating only for an ended chat an agent answered, and keeps the rating of the shown chat only', () => {
    const alice = { id: 'a1', name: 'Alice' };
    expect(isRateable(withConversation(INITIAL_SNAPSHOT, conversation('c1', 'closed')))).toBe(false);
    expect(
      isRateable(withConversation(INITIAL_SNAPSHOT, { ...conversation('c1', 'assigned'), agent: alice })),
    ).toBe(false);
    const ended = withConversation(INITIAL_SNAPSHOT, { ...conversation('c1', 'closed'), agent: alice });
    expect(isRateable(ended)).toBe(true);

    const rating = { conversationId: 'c1', score: 4, comment: null, ratedAt: '2025-01-01T00:00:00.000Z' };
    expect(withRating(ended, { ...rating, conversationId: 'c2' })).toBe(ended);
    expect(withRating(ended, null)).toBe(ended);
    const rated = withRating(ended, rating);
    expect(rated.rating).toEqual(rating);
    // Another conversation starts without one.
    expect(withConversation(rated, conversation('c2')).rating).toBeNull();
    expect(withConversation(rated, { ...conversation('c1', 'closed'), agent: alice }).rating).toEqual(rating);
  });
});
