import type { Message } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { ENGLISH } from './i18n.js';
import { transcriptFileName, transcriptText } from './transcript.js';

const at = (hours: number, minutes: number) => new Date(2026, 10, 30, hours, minutes).toISOString();

const messages: Message[] = [
  {
    id: 'm1',
    conversationId: 'c1',
    seq: 1,
    kind: 'event',
    author: { type: 'system', id: null, name: null },
    text: '',
    event: { type: 'queued', agentId: null, agentName: null, reason: null },
    attachment: null,
    clientMsgId: null,
    createdAt: at(9, 5),
  },
  {
    id: 'm2',
    conversationId: 'c1',
    seq: 2,
    kind: 'text',
    author: { type: 'visitor', id: 'v1', name: null },
    text: 'Where is order <1042>?',
    event: null,
    attachment: null,
    clientMsgId: 'x',
    createdAt: at(9, 6),
  },
  {
    id: 'm3',
    conversationId: 'c1',
    seq: 3,
    kind: 'text',
    author: { type: 'agent', id: 'a1', name: 'Alice' },
    text: 'It ships today.',
    event: null,
    attachment: null,
    clientMsgId: 'y',
    createdAt: at(9, 7),
  },
  {
    id: 'm4',
    conversationId: 'c1',
    seq: 4,
    kind: 'event',
    author: { type: 'system', id: null, name: null },
    text: '',
    event: { type: 'closed', agentId: 'a1', agentName: 'Alice', reason: null },
    attachment: null,
    clientMsgId: null,
    createdAt: at(9, 10),
  },
];

describe('the transcript download', () => {
  it('lists every message in order with local times, authors and the events as they were shown', () => {
    expect(transcriptText(ENGLISH, 'Demo Shop', messages)).toBe(
      [
        'Chat with Demo Shop',
        '',
        '[2026-11-30 09:05] Conversation started',
        '[2026-11-30 09:06] You: Where is order <1042>?',
        '[2026-11-30 09:07] Alice: It ships today.',
        '[2026-11-30 09:10] The conversation has ended',
        '',
      ].join('\n'),
    );
  });

  it('names the file after the site and the day the chat began', () => {
    expect(transcriptFileName('Demo Shop!', messages)).toBe('chat-demo-shop-2026-11-30.txt');
    expect(transcriptFileName('Čajovna', [])).toBe('chat-cajovna-empty.txt');
  });
});
