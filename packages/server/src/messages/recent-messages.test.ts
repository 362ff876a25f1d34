import { describe, expect, it } from 'vitest';
import type { StoredMessage } from './message.repository.js';
import { createRecentMessages } from './recent-messages.js';

const message = (seq: number, conversationId = 'c1'): StoredMessage => ({
  id: `${conversationId}:m${seq}`,
  conversationId,
  seq,
  kind: 'text',
  author: { type: 'visitor', id: 'v1', name: null },
  text: `text ${seq}`,
  event: null,
  clientMsgId: `m${seq}`,
  createdAt: new Date(0),
});

describe('the newest messages a node keeps', () => {
  it('[P8] answers a resync only when it holds every message asked for', () => {
    const recent = createRecentMessages(4, 10);
    for (const seq of [1, 2, 4, 3]) recent.add(message(seq));
    expect(recent.between('c1', 1, 4)?.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(recent.between('c1', 4, 4)).toEqual([]);
    expect(recent.between('c1', 1, 5)).toBeNull();
    expect(recent.between('c2', 0, 1)).toBeNull();
  });

  it('keeps only the newest per conversation and forgets the least recently written conversations', () => {
    const recent = createRecentMessages(3, 2);
    for (let seq = 1; seq <= 5; seq++) recent.add(message(seq));
    expect(recent.between('c1', 2, 5)?.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(recent.between('c1', 1, 5)).toBeNull();
    recent.add(message(1, 'c2'));
    recent.add(message(1, 'c3'));
    expect(recent.between('c1', 4, 5)).toBeNull();
    expect(recent.between('c3', 0, 1)?.map((m) => m.seq)).toEqual([1]);
  });
});
