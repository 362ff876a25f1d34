import type { Message } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { ENGLISH } from './i18n.js';
import { eventText, lastSeqOf, mergeMessages, ownMessageState, settlePending } from './messages.js';

const CONVERSATION = 'c'.repeat(24);

function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: CONVERSATION,
    seq,
    kind: 'text',
    author: { type: 'agent', id: 'a1', name: 'Alice' },
    text: `text ${seq}`,
    event: null,
    attachment: null,
    clientMsgId: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('mergeMessages', () => {
  it('sorts by seq whatever order the notifications and sync pages arrive in', () => {
    const merged = mergeMessages([message(3)], [message(1), message(4), message(2)], CONVERSATION);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps one entry per id when a notification and a sync page both carry a message', () => {
    const merged = mergeMessages([message(1), message(2)], [message(2), message(2)], CONVERSATION);
    expect(merged.map((m) => m.id)).toEqual(['m1', 'm2']);
  });

  it('ignores messages of another conversation', () => {
    const merged = mergeMessages([], [message(1, { conversationId: 'd'.repeat(24) })], CONVERSATION);
    expect(merged).toEqual([]);
  });

  it('does not mutate the current list', () => {
    const current = [message(2)];
    mergeMessages(current, [message(1)], CONVERSATION);
    expect(current.map((m) => m.seq)).toEqual([2]);
  });
});

describe('settlePending', () => {
  it('drops the optimistic message once the server confirms its clientMsgId', () => {
    const pending = [
      { clientMsgId: 'client-1', text: 'hi', isFailed: false },
      { clientMsgId: 'client-2', text: 'there', isFailed: false },
    ];
    const confirmed = [
      message(5, { author: { type: 'visitor', id: 'v', name: null }, clientMsgId: 'client-1' }),
    ];
    expect(settlePending(pending, confirmed).map((p) => p.clientMsgId)).toEqual(['client-2']);
  });

  it('keeps pending messages when agent messages (without clientMsgId) arrive', () => {
    const pending = [{ clientMsgId: 'client-1', text: 'hi', isFailed: false }];
    expect(settlePending(pending, [message(1)])).toEqual(pending);
  });
});

describe('lastSeqOf', () => {
  it('is 0 for an empty transcript and the last seq otherwise', () => {
    expect(lastSeqOf([])).toBe(0);
    expect(lastSeqOf([message(1), message(7)])).toBe(7);
  });
});

describe('eventText', () => {
  it('names the agent on assignment and announces the end', () => {
    const event = { type: 'assigned' as const, agentId: 'a1', agentName: 'Alice', reason: null };
    expect(eventText(ENGLISH, message(1, { kind: 'event', event }))).toBe('Connected with Alice');
    const closed = { type: 'closed' as const, agentId: null, agentName: null, reason: null };
    expect(eventText(ENGLISH, message(2, { kind: 'event', event: closed }))).toBe(
      'The conversation has ended',
    );
    const requeued = {
      type: 'requeued' as const,
      agentId: 'a1',
      agentName: 'Alice',
      reason: 'agent-disconnected' as const,
    };
    expect(eventText(ENGLISH, message(3, { kind: 'event', event: requeued }))).toBe(
      'Finding another agent for you…',
    );
  });
});

describe('own message state', () => {
  const receipt = (deliveredSeq: number, readSeq: number) => ({
    conversationId: CONVERSATION,
    side: 'agent' as const,
    deliveredSeq,
    readSeq,
  });

  it('[P13] says Sent, Delivered or Read from the agent side’s receipt', () => {
    const own = message(5, { author: { type: 'visitor', id: 'v1', name: null } });
    expect(ownMessageState(own, null)).toBe('sent');
    expect(ownMessageState(own, receipt(4, 4))).toBe('sent');
    expect(ownMessageState(own, receipt(5, 4))).toBe('delivered');
    expect(ownMessageState(own, receipt(7, 5))).toBe('read');
  });
});
