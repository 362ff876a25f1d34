import type { Message, VisitorConversation } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { createChatState, withConversation, withMessages, withReceipt } from './chat-state.js';
import type { HostChannel } from './host-channel.js';
import { createHostReports } from './host-reports.js';

const ID = 'c0ffee0000000000000000c1';

const conversation = (state: VisitorConversation['state'], id = ID): VisitorConversation => ({
  id,
  state,
  agent: state === 'assigned' || state === 'closed' ? { id: 'a1', name: 'Alice' } : null,
  lastSeq: 0,
  createdAt: '2025-01-01T00:00:00.000Z',
  closedAt: null,
});

const message = (seq: number, type: 'visitor' | 'agent', conversationId = ID): Message => ({
  id: `m${seq}`,
  conversationId,
  seq,
  kind: 'text',
  author: { type, id: `${type}1`, name: null },
  text: 'secret words',
  event: null,
  attachment: null,
  clientMsgId: type === 'visitor' ? `client-${seq}` : null,
  createdAt: '2025-01-01T00:00:00.000Z',
});

function setup() {
  const posted: unknown[] = [];
  const opened = new Set<() => void>();
  const closed = new Set<() => void>();
  const host = {
    isOpen: false,
    post: (m: unknown) => posted.push(m),
    onOpened: (l: () => void) => {
      opened.add(l);
      return () => opened.delete(l);
    },
    onClosed: (l: () => void) => {
      closed.add(l);
      return () => closed.delete(l);
    },
  } as unknown as HostChannel;
  const state = createChatState();
  let chimes = 0;
  const reports = createHostReports(
    state,
    host,
    () => true,
    () => chimes++,
  );
  reports.start();
  const open = (isOpen: boolean) => {
    host.isOpen = isOpen;
    for (const l of isOpen ? opened : closed) l();
  };
  return { posted, state, reports, open, chimes: () => chimes };
}

describe('what the chat frame tells the host page', () => {
  it('says nothing of what the first sync brought, then each new message once, who wrote it but not what', () => {
    const { posted, state, reports } = setup();
    state.update((s) =>
      withMessages(withConversation(s, conversation('assigned')), [message(1, 'visitor')], true),
    );
    expect(posted).toEqual([{ type: 'event', name: 'agent:assigned', data: { id: 'a1', name: 'Alice' } }]);
    posted.length = 0;
    reports.synced();
    expect(posted).toEqual([
      { type: 'conversation', isActive: true },
      { type: 'unread', count: 0 },
    ]);
    posted.length = 0;
    state.update((s) => withMessages(s, [message(2, 'agent')]));
    state.update((s) => withMessages(s, [message(2, 'agent')]));
    expect(posted).toEqual([
      { type: 'event', name: 'message', data: { conversationId: ID, from: 'agent' } },
      { type: 'unread', count: 1 },
    ]);
    expect(JSON.stringify(posted)).not.toContain('secret');
  });

  it('counts no unread message while the chat is open in view, and counts again when it closes', () => {
    const { posted, state, reports, open, chimes } = setup();
    state.update((s) => withConversation(s, conversation('assigned')));
    reports.synced();
    open(true);
    posted.length = 0;
    state.update((s) => withMessages(s, [message(1, 'agent')]));
    expect(posted.filter((m) => (m as { type: string }).type === 'unread')).toEqual([]);
    // Seen as it arrives: no chime. Closed, the next one chimes.
    expect(chimes()).toBe(0);
    open(false);
    state.update((s) => withMessages(s, [message(2, 'agent')]));
    expect(chimes()).toBe(1);
    expect(posted.at(-1)).toEqual({ type: 'unread', count: 2 });
    state.update((s) => withReceipt(s, { conversationId: ID, side: 'visitor', deliveredSeq: 2, readSeq: 1 }));
    expect(posted.at(-1)).toEqual({ type: 'unread', count: 1 });
    state.update((s) => withReceipt(s, { conversationId: ID, side: 'visitor', deliveredSeq: 2, readSeq: 2 }));
    expect(posted.at(-1)).toEqual({ type: 'unread', count: 0 });
  });

  it('tells when a conversation starts and when it ends', () => {
    const { posted, state, reports } = setup();
    reports.synced();
    posted.length = 0;
    state.update((s) => withConversation(s, conversation('queued')));
    state.update((s) => withConversation(s, conversation('closed')));
    const events = posted.filter((m) => (m as { type: string }).type === 'event');
    expect(events).toEqual([
      { type: 'event', name: 'conversation:started', data: { conversationId: ID } },
      { type: 'event', name: 'conversation:ended', data: { conversationId: ID } },
    ]);
  });
});
