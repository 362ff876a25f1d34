import type { VisitorConversation } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { ENGLISH } from './i18n.js';
import { queueText, statusText } from './status-text.js';

const conversation = (state: VisitorConversation['state']): VisitorConversation => ({
  id: 'c1',
  state,
  agent: state === 'assigned' ? { id: 'a1', name: 'Alice' } : null,
  lastSeq: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  closedAt: null,
});

const place = (position: number, etaSeconds: number | null) => ({
  conversationId: 'c1',
  position,
  etaSeconds,
});

describe('queueText', () => {
  it('gives the place alone while the server has no estimate', () => {
    expect(queueText(ENGLISH, place(2, null))).toBe('You are number 2 in the queue');
  });

  it('rounds the estimated wait up to whole minutes', () => {
    expect(queueText(ENGLISH, place(1, 60))).toBe('You are number 1 in the queue — about 1 minute');
    expect(queueText(ENGLISH, place(3, 61))).toBe('You are number 3 in the queue — about 2 minutes');
    expect(queueText(ENGLISH, place(4, 300))).toBe('You are number 4 in the queue — about 5 minutes');
  });

  it('says less than a minute under 60 s, including an estimate of zero', () => {
    expect(queueText(ENGLISH, place(1, 59))).toBe('You are number 1 in the queue — less than a minute');
    expect(queueText(ENGLISH, place(1, 0))).toBe('You are number 1 in the queue — less than a minute');
  });
});

describe('statusText', () => {
  it('waits for an agent until the first queue position arrives', () => {
    expect(statusText(ENGLISH, conversation('queued'), null)).toBe('Waiting for an agent…');
    expect(statusText(ENGLISH, conversation('queued'), place(2, null))).toBe('You are number 2 in the queue');
  });

  it('names the agent once assigned and announces the end', () => {
    expect(statusText(ENGLISH, conversation('assigned'), null)).toBe('Connected with Alice');
    expect(statusText(ENGLISH, conversation('closed'), null)).toBe('The conversation has ended');
    expect(statusText(ENGLISH, null, null)).toBe('');
  });
});
