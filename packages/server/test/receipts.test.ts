import type { Message, OpenConversationResult, Receipt, VisitorSyncResult } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientId, collect, type Harness, next, ok, startHarness } from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** A visitor chatting with an assigned agent; the visitor has written twice. */
async function chat() {
  const agent = await h.onlineAgent('Alice');
  const visitor = await h.startChat();
  const conversationId = visitor.conversation.id;
  await ok(agent.socket, 'conversation:open', { conversationId, afterSeq: 0 });
  for (const text of ['hello', 'anyone?']) {
    await ok<Message>(visitor.socket, 'message:send', { conversationId, clientMsgId: clientId(), text });
  }
  const { conversation } = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
    conversationId,
    afterSeq: 0,
  });
  return { agent, visitor, conversationId, lastSeq: conversation.lastSeq };
}

describe('delivered and read receipts', () => {
  it('[P13] tells the visitor how far the agent has received and read, and keeps it for a resync', async () => {
    const { agent, visitor, conversationId, lastSeq } = await chat();
    const heard = next<Receipt>(visitor.socket, 'receipt:updated', (r) => r.side === 'agent');
    const stored = await ok<Receipt>(agent.socket, 'receipt:set', {
      conversationId,
      deliveredSeq: lastSeq,
      readSeq: lastSeq - 1,
    });
    expect(stored).toEqual({ conversationId, side: 'agent', deliveredSeq: lastSeq, readSeq: lastSeq - 1 });
    expect(await heard).toEqual(stored);

    const sync = await ok<VisitorSyncResult>(visitor.socket, 'conversation:sync', {
      conversationId,
      afterSeq: lastSeq,
    });
    expect(sync.receipts).toContainEqual(stored);
    expect(sync.receipts).toContainEqual({ conversationId, side: 'visitor', deliveredSeq: 0, readSeq: 0 });
  });

  it('[P13] tells the agent what the visitor has read', async () => {
    const { agent, visitor, conversationId, lastSeq } = await chat();
    const heard = next<Receipt>(agent.socket, 'receipt:updated', (r) => r.side === 'visitor');
    await ok(visitor.socket, 'receipt:set', { conversationId, deliveredSeq: lastSeq, readSeq: lastSeq });
    expect(await heard).toEqual({ conversationId, side: 'visitor', deliveredSeq: lastSeq, readSeq: lastSeq });
  });

  it('[P13] never lowers a receipt: a late, smaller report answers the stored one and announces nothing', async () => {
    const { agent, visitor, conversationId, lastSeq } = await chat();
    await ok(agent.socket, 'receipt:set', { conversationId, deliveredSeq: lastSeq, readSeq: lastSeq });
    const announced = collect<Receipt>(visitor.socket, 'receipt:updated');
    const late = await ok<Receipt>(agent.socket, 'receipt:set', {
      conversationId,
      deliveredSeq: 1,
      readSeq: 1,
    });
    expect(late).toMatchObject({ deliveredSeq: lastSeq, readSeq: lastSeq });
    // A later report that grows is announced; the smaller one before it was not.
    await ok(visitor.socket, 'message:send', { conversationId, clientMsgId: clientId(), text: 'more' });
    await ok(agent.socket, 'receipt:set', { conversationId, deliveredSeq: lastSeq + 1, readSeq: 0 });
    await expect.poll(() => announced.length).toBe(1);
    expect(announced[0]).toMatchObject({ deliveredSeq: lastSeq + 1, readSeq: lastSeq });
  });

  it('[P13] cuts a report to the last message and counts what was read as delivered', async () => {
    const { visitor, conversationId, lastSeq } = await chat();
    const stored = await ok<Receipt>(visitor.socket, 'receipt:set', {
      conversationId,
      deliveredSeq: 0,
      readSeq: lastSeq + 1000,
    });
    expect(stored).toMatchObject({ deliveredSeq: lastSeq, readSeq: lastSeq });
  });

  it('[P13][P10] lets only the assigned agent speak for the agent side', async () => {
    const { visitor, conversationId, lastSeq } = await chat();
    // A supervisor watching reads nothing for the agent side; a colleague does not see the chat [A2].
    const supervisor = await h.agent((await h.seedAgent({ name: 'Sue', role: 'supervisor' })).email);
    const refused = await call(supervisor, 'receipt:set', {
      conversationId,
      deliveredSeq: lastSeq,
      readSeq: lastSeq,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const colleague = await h.onlineAgent('Bob');
    const unseen = await call(colleague.socket, 'receipt:set', {
      conversationId,
      deliveredSeq: 1,
      readSeq: 1,
    });
    expect(unseen).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const other = await h.visitor();
    const hidden = await call(other.socket, 'receipt:set', { conversationId, deliveredSeq: 1, readSeq: 1 });
    expect(hidden).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await h.c.receipts.countDocuments({ conversationId })).toBe(0);
    const sync = await ok<VisitorSyncResult>(visitor.socket, 'conversation:sync', {
      conversationId,
      afterSeq: 0,
    });
    expect(sync.receipts.every((r) => r.deliveredSeq === 0 && r.readSeq === 0)).toBe(true);
  });

  it('[P4] rejects a malformed receipt and stores nothing', async () => {
    const { visitor, conversationId } = await chat();
    for (const input of [
      { conversationId, deliveredSeq: -1, readSeq: 0 },
      { conversationId, deliveredSeq: 1.5, readSeq: 0 },
      { conversationId, deliveredSeq: 1, readSeq: 1, side: 'agent' },
      { conversationId: 'nope', deliveredSeq: 1, readSeq: 1 },
      { conversationId, deliveredSeq: '1', readSeq: 1 },
    ]) {
      expect(await call(visitor.socket, 'receipt:set', input)).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    expect(await h.c.receipts.countDocuments({ conversationId })).toBe(0);
  });
});
