import type { Message, VisitorConversation, VisitorSyncResult } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientId, collect, type Harness, next, ok, startHarness } from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** A visitor chatting with an online agent who has the conversation open. */
async function chat() {
  const seeded = await h.seedAgent({ name: 'Alice' });
  const agent = await h.agent(seeded.email);
  await ok(agent, 'status:set', { status: 'online' });
  const visitor = await h.visitor();
  const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
    requestId: clientId(),
  });
  await ok(agent, 'conversation:open', { conversationId: conversation.id, afterSeq: 0 });
  return { agent, agentId: seeded.id, visitor, conversation };
}

const send = (socket: Parameters<typeof ok>[0], conversationId: string, text: string, id = clientId()) =>
  ok<Message>(socket, 'message:send', { conversationId, clientMsgId: id, text });

describe('messages', () => {
  it('[P7] delivers visitor messages to the agent in order and stores them with increasing seq', async () => {
    const { agent, visitor, conversation } = await chat();
    const received = collect<Message>(agent, 'message:created');
    for (let i = 1; i <= 15; i++) await send(visitor.socket, conversation.id, `message ${i}`);
    await expect.poll(() => received.length).toBe(15);
    expect(received.map((m) => m.text)).toEqual(Array.from({ length: 15 }, (_, i) => `message ${i + 1}`));

    const stored = await h.c.messages.find({ conversationId: conversation.id }).sort({ seq: 1 }).toArray();
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect(stored.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual(received.map((m) => m.text));
  });

  it('[P7] gives concurrent messages from both sides distinct consecutive seqs', async () => {
    const { agent, visitor, conversation } = await chat();
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => send(visitor.socket, conversation.id, `v${i}`)),
      ...Array.from({ length: 10 }, (_, i) => send(agent, conversation.id, `a${i}`)),
    ]);
    const seqs = (await h.c.messages.find({ conversationId: conversation.id }).toArray())
      .map((m) => m.seq)
      .sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBe(22);
  });

  it('[P5] stores a message once however often the same clientMsgId is sent, at once or one after another', async () => {
    const { visitor, conversation } = await chat();
    const id = clientId();
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => send(visitor.socket, conversation.id, 'once', id)),
    );
    const sequential: Message[] = [];
    for (let i = 0; i < 5; i++) sequential.push(await send(visitor.socket, conversation.id, 'once', id));
    // Ten identical acks: the same stored message, same id and seq.
    expect(new Set([...concurrent, ...sequential].map((m) => JSON.stringify(m))).size).toBe(1);
    expect(await h.c.messages.countDocuments({ conversationId: conversation.id, clientMsgId: id })).toBe(1);
  });

  it('[P5] keeps a retried message once when another message was stored between the attempts', async () => {
    const { visitor, conversation } = await chat();
    const first = await send(visitor.socket, conversation.id, 'first', 'retried-message-1');
    await send(visitor.socket, conversation.id, 'second');
    const retried = await send(visitor.socket, conversation.id, 'first', 'retried-message-1');
    expect(retried).toEqual(first);
    const stored = await h.c.messages
      .find({ conversationId: conversation.id, kind: 'text' })
      .sort({ seq: 1 })
      .toArray();
    const texts = stored.map((m) => m.text);
    expect(texts).toEqual(['first', 'second']);
  });

  it('shows each side the other typing', async () => {
    const { agent, visitor, conversation } = await chat();
    const agentSees = next(agent, 'typing:changed', (t) => t.isTyping);
    await ok(visitor.socket, 'typing:set', { conversationId: conversation.id, isTyping: true });
    expect(await agentSees).toMatchObject({ conversationId: conversation.id, isTyping: true });

    const visitorSees = next(visitor.socket, 'typing:changed', (t) => t.isTyping);
    await ok(agent, 'typing:set', { conversationId: conversation.id, isTyping: true });
    expect(await visitorSees).toMatchObject({ name: 'Alice', isTyping: true });
  });

  it('[P8] returns the whole history to a visitor who reconnects, and only what is newer after lastSeq', async () => {
    const { agent, visitor, conversation } = await chat();
    await send(visitor.socket, conversation.id, 'before reload');
    await send(agent, conversation.id, 'agent answer');
    visitor.socket.disconnect();

    const again = await h.visitorWithToken(visitor.token);
    const full = await ok<VisitorSyncResult>(again, 'conversation:sync', { afterSeq: 0 });
    expect(full.conversation?.id).toBe(conversation.id);
    expect(full.messages.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual([
      'before reload',
      'agent answer',
    ]);
    const lastSeq = full.messages.at(-1)!.seq;

    await send(agent, conversation.id, 'while you were away');
    const delta = await ok<VisitorSyncResult>(again, 'conversation:sync', {
      conversationId: conversation.id,
      afterSeq: lastSeq,
    });
    expect(delta.messages.map((m) => m.text)).toEqual(['while you were away']);
    expect(delta.hasMore).toBe(false);
  });

  it('[P8] pages a long history', async () => {
    const { visitor, conversation } = await chat();
    for (let i = 0; i < 205; i++) await send(visitor.socket, conversation.id, `m${i}`);
    const first = await ok<VisitorSyncResult>(visitor.socket, 'conversation:sync', { afterSeq: 0 });
    expect(first.hasMore).toBe(true);
    const rest = await ok<VisitorSyncResult>(visitor.socket, 'conversation:sync', {
      afterSeq: first.messages.at(-1)!.seq,
    });
    expect(rest.hasMore).toBe(false);
    expect(first.messages.length + rest.messages.length).toBe(207);
  });
});

describe('notifications', () => {
  it('[P9] announces an assignment with a lastSeq that includes its event message', async () => {
    const seeded = await h.seedAgent({ name: 'Alice' });
    const agent = await h.agent(seeded.email);
    const visitor = await h.visitor();
    const queued = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });
    const assigned = next<VisitorConversation>(
      visitor.socket,
      'conversation:updated',
      (c) => c.state === 'assigned',
    );
    await ok(agent, 'status:set', { status: 'online' });
    const update = await assigned;
    const stored = await h.c.messages
      .find({ conversationId: queued.id })
      .sort({ seq: -1 })
      .limit(1)
      .toArray();
    expect(stored[0]?.event?.type).toBe('assigned');
    expect(update.lastSeq).toBe(stored[0]?.seq);
    expect(update.lastSeq).toBeGreaterThan(queued.lastSeq);
  });
});

describe('closing', () => {
  it('[P11] tells the visitor the conversation ended, records it, and lets the visitor start a new one', async () => {
    const { agent, agentId, visitor, conversation } = await chat();
    await send(visitor.socket, conversation.id, 'thanks, bye');
    const ended = next<VisitorConversation>(
      visitor.socket,
      'conversation:updated',
      (c) => c.state === 'closed',
    );
    await ok(agent, 'conversation:close', { conversationId: conversation.id });
    expect((await ended).closedAt).not.toBeNull();

    expect(await h.c.agentSlots.countDocuments({ agentId })).toBe(0);
    const late = await call(visitor.socket, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: clientId(),
      text: 'hello?',
    });
    expect(late).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const fresh = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });
    expect(fresh.id).not.toBe(conversation.id);

    const events = await h.c.messages
      .find({ conversationId: conversation.id, kind: 'event' })
      .sort({ seq: 1 })
      .toArray();
    expect(events.map((m) => m.event?.type)).toEqual(['queued', 'assigned', 'closed']);
    expect(events[1]?.event?.agentId).toBe(agentId);
    expect(events[2]?.author).toMatchObject({ type: 'agent', id: agentId });
    expect(events.every((m) => m.createdAt instanceof Date)).toBe(true);
  });

  it('closing twice is harmless', async () => {
    const { agent, conversation } = await chat();
    await ok(agent, 'conversation:close', { conversationId: conversation.id });
    await ok(agent, 'conversation:close', { conversationId: conversation.id });
    expect(
      await h.c.messages.countDocuments({ conversationId: conversation.id, 'event.type': 'closed' }),
    ).toBe(1);
  });

  it('lists the closed conversation with its transcript in the console', async () => {
    const { agent, visitor, conversation } = await chat();
    await send(visitor.socket, conversation.id, 'where is my order?');
    await ok(agent, 'conversation:close', { conversationId: conversation.id });
    const closed = await ok(agent, 'conversations:list', { box: 'closed' });
    expect(closed.items.map((c: { id: string }) => c.id)).toEqual([conversation.id]);
    const opened = await ok(agent, 'conversation:open', { conversationId: conversation.id, afterSeq: 0 });
    expect(opened.messages.map((m: Message) => m.text)).toContain('where is my order?');
  });
});
