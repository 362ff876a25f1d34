import type { Message } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { authorName, eventText, heldThroughSeq, lastSeqOf, mergeMessages } from './transcript';

function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c00000000000000000000001',
    seq,
    kind: 'text',
    author: { type: 'visitor', id: 'v1', name: null },
    text: `text ${seq}`,
    event: null,
    attachment: null,
    clientMsgId: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

const seqs = (messages: readonly Message[]) => messages.map((m) => m.seq);

describe('mergeMessages', () => {
  it('appends new messages in seq order', () => {
    expect(seqs(mergeMessages([message(1), message(2)], [message(3)]))).toEqual([1, 2, 3]);
  });

  it('sorts messages that arrive out of order', () => {
    expect(seqs(mergeMessages([message(1), message(4)], [message(3), message(2)]))).toEqual([1, 2, 3, 4]);
  });

  it('keeps one copy of a message delivered twice (ack and notification)', () => {
    const merged = mergeMessages([message(1), message(2)], [message(2), message(2)]);
    expect(seqs(merged)).toEqual([1, 2]);
  });

  it('lets the incoming copy of a message replace the held one', () => {
    const merged = mergeMessages([message(1)], [message(1, { text: 'edited by the server' })]);
    expect(merged[0]?.text).toBe('edited by the server');
  });

  it('does not change the arrays it is given', () => {
    const held = [message(2)];
    mergeMessages(held, [message(1)]);
    expect(seqs(held)).toEqual([2]);
  });
});

describe('lastSeqOf', () => {
  it('is 0 for an empty transcript and the last seq otherwise', () => {
    expect(lastSeqOf([])).toBe(0);
    expect(lastSeqOf([message(1), message(7)])).toBe(7);
  });
});

describe('eventText', () => {
  const event = (type: 'queued' | 'assigned' | 'requeued' | 'closed', agentName: string | null = null) =>
    message(1, {
      kind: 'event',
      author: { type: 'system', id: null, name: null },
      text: '',
      event: { type, agentId: null, agentName, reason: type === 'requeued' ? 'no-first-reply' : null },
      attachment: null,
    });

  it('renders assignment and closing as system lines', () => {
    expect(eventText(event('assigned', 'Alice'))).toBe('Assigned to Alice');
    expect(eventText(event('closed'))).toBe('Conversation closed');
    expect(eventText(event('requeued', 'Alice'))).toBe('Back in the queue (no first reply in time)');
  });
});

describe('authorName', () => {
  it('falls back to the visitor name for an anonymous visitor', () => {
    expect(authorName(message(1), 'Ada')).toBe('Ada');
    expect(authorName(message(1, { author: { type: 'agent', id: 'a', name: 'Alice' } }), 'Ada')).toBe(
      'Alice',
    );
  });
});

describe('where a resync starts', () => {
  const at = (seq: number) => message(seq);
  it('[P8] resumes after the last message held without a gap', () => {
    expect(heldThroughSeq([])).toBe(0);
    expect(heldThroughSeq([at(1), at(2), at(4)])).toBe(2);
    expect(heldThroughSeq([at(1), at(2), at(3)])).toBe(3);
  });
});
