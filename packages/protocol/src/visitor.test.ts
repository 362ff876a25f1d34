import { describe, expect, it } from 'vitest';
import { AgentCommands } from './agent.js';
import { MAX_MESSAGE_TEXT_CHARS } from './common.js';
import { LoginBody } from './rest.js';
import { VisitorCommands, VisitorHandshake } from './visitor.js';

const send = VisitorCommands['message:send'].input;
const conversationId = 'a'.repeat(24);

describe('message:send input', () => {
  it('accepts a message with a client id and text', () => {
    expect(send.safeParse({ conversationId, clientMsgId: 'abcdefgh-1234', text: 'Hello' }).success).toBe(
      true,
    );
  });

  it('rejects text longer than the limit', () => {
    const text = 'x'.repeat(MAX_MESSAGE_TEXT_CHARS + 1);
    expect(send.safeParse({ conversationId, clientMsgId: 'abcdefgh', text }).success).toBe(false);
  });

  it('rejects whitespace-only text', () => {
    expect(send.safeParse({ conversationId, clientMsgId: 'abcdefgh', text: ' \n\t ' }).success).toBe(false);
  });

  it('rejects unknown keys, so nothing unexpected reaches the store', () => {
    expect(send.safeParse({ conversationId, clientMsgId: 'abcdefgh', text: 'hi', $where: '1' }).success).toBe(
      false,
    );
  });

  it('rejects an operator object in place of an id (NoSQL injection)', () => {
    expect(
      send.safeParse({ conversationId: { $ne: null }, clientMsgId: 'abcdefgh', text: 'hi' }).success,
    ).toBe(false);
  });

  it('rejects a client id with characters outside the allowed set', () => {
    expect(send.safeParse({ conversationId, clientMsgId: 'abc def gh', text: 'hi' }).success).toBe(false);
  });
});

describe('visitor handshake', () => {
  const valid = { v: 1, siteKey: 'demo-site', token: 'A'.repeat(43), hostOrigin: 'http://127.0.0.1:3001' };

  it('accepts a well-formed handshake', () => {
    expect(VisitorHandshake.safeParse(valid).success).toBe(true);
  });

  it('rejects an origin with a path', () => {
    expect(VisitorHandshake.safeParse({ ...valid, hostOrigin: 'http://a.example/x' }).success).toBe(false);
  });

  it('rejects a short token', () => {
    expect(VisitorHandshake.safeParse({ ...valid, token: 'short' }).success).toBe(false);
  });
});

describe('agent commands', () => {
  it('bounds the page size of conversation lists', () => {
    const list = AgentCommands['conversations:list'].input;
    expect(list.safeParse({ box: 'closed', limit: 100 }).success).toBe(true);
    expect(list.safeParse({ box: 'closed', limit: 1000 }).success).toBe(false);
    expect(list.safeParse({ box: 'everything' }).success).toBe(false);
  });

  it('accepts only the three statuses', () => {
    const set = AgentCommands['status:set'].input;
    expect(set.safeParse({ status: 'online' }).success).toBe(true);
    expect(set.safeParse({ status: 'busy' }).success).toBe(false);
  });
});

describe('login body', () => {
  it('rejects a missing password and an oversized e-mail', () => {
    expect(LoginBody.safeParse({ email: 'a@b.c' }).success).toBe(false);
    expect(LoginBody.safeParse({ email: `${'a'.repeat(300)}@b.c`, password: 'x' }).success).toBe(false);
  });
});
