import type { ConversationSummary, Message, VisitorConversation, VisitorSyncResult } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientId, collect, type Harness, next, ok, startHarness } from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const onlineAgent = (name: string, options: { departmentIds?: string[]; capacity?: number } = {}) =>
  h.onlineAgent(name, options);

async function chatWith(agentName: string) {
  const owner = await onlineAgent(agentName);
  const visitor = await h.visitor();
  const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
    requestId: clientId(),
  });
  expect(conversation.agent?.id).toBe(owner.id);
  return { owner, visitor, conversation };
}

const stored = (id: string) => h.c.conversations.findOne({ _id: id });

describe('transfer', () => {
  it('[RT16] hands the chat to an eligible colleague with the comment as an internal note', async () => {
    const { owner, visitor, conversation } = await chatWith('Alice');
    const bob = await onlineAgent('Bob');
    const visitorMessages = collect<Message>(visitor.socket, 'message:created');
    const told = next<VisitorConversation>(
      visitor.socket,
      'conversation:updated',
      (c) => c.agent?.id === bob.id,
    );

    const moved = await ok<ConversationSummary>(owner.socket, 'conversation:transfer', {
      conversationId: conversation.id,
      to: { type: 'agent', agentId: bob.id },
      comment: 'Refund over 500 EUR — Bob handles these',
    });
    expect(moved.agent?.id).toBe(bob.id);
    await told;
    expect(await stored(conversation.id)).toMatchObject({ agentId: bob.id, round: 2, state: 'assigned' });
    expect(await h.c.agentSlots.countDocuments({ agentId: owner.id })).toBe(0);
    expect(await h.c.agentSlots.countDocuments({ agentId: bob.id })).toBe(1);

    const opened = await ok(bob.socket, 'conversation:open', {
      conversationId: conversation.id,
      afterSeq: 0,
    });
    expect(opened.messages.map((m: Message) => [m.kind, m.text || m.event?.type])).toContainEqual([
      'note',
      'Refund over 500 EUR — Bob handles these',
    ]);
    // [P12] The visitor never sees the note, live or on sync.
    await expect.poll(() => visitorMessages.some((m) => m.event?.type === 'transferred')).toBe(true);
    expect(visitorMessages.some((m) => m.kind === 'note')).toBe(false);
    const synced = await ok<VisitorSyncResult>(visitor.socket, 'conversation:sync', { afterSeq: 0 });
    expect(synced.messages.some((m) => m.kind === 'note')).toBe(false);
    expect(synced.messages.at(-1)?.event).toMatchObject({ type: 'transferred', agentName: 'Bob' });
  });

  it('[RT16] refuses a colleague who cannot take the chat, and nothing changes', async () => {
    const { owner, conversation } = await chatWith('Alice');
    const away = await h.seedAgent({ name: 'Away' });
    const full = await onlineAgent('Full', { capacity: 1 });
    const other = await h.visitor();
    await ok(other.socket, 'conversation:start', { requestId: clientId() });
    await expect.poll(async () => h.c.agentSlots.countDocuments({ agentId: full.id })).toBe(1);

    for (const agentId of [away.id, full.id]) {
      const answer = await call(owner.socket, 'conversation:transfer', {
        conversationId: conversation.id,
        to: { type: 'agent', agentId },
      });
      expect(answer).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    }
    expect(await stored(conversation.id)).toMatchObject({ agentId: owner.id, round: 1 });
    expect(await h.c.messages.countDocuments({ conversationId: conversation.id, kind: 'note' })).toBe(0);
  });

  it('[RT16][RT15] sends the chat to a department’s queue, where its agents get it', async () => {
    const billing = await h.hovor.repositories.departments.create(
      { siteId: h.site.id, name: 'Billing', strategy: null, fallbackDepartmentId: null },
      new Date(),
    );
    const { owner, conversation } = await chatWith('Alice');
    const biller = await onlineAgent('Biller', { departmentIds: [billing.id] });
    await ok(owner.socket, 'conversation:transfer', {
      conversationId: conversation.id,
      to: { type: 'department', departmentId: billing.id },
      comment: 'Invoice question',
    });
    await expect.poll(async () => (await stored(conversation.id))?.agentId).toBe(biller.id);
    expect(await stored(conversation.id)).toMatchObject({ departmentId: billing.id, state: 'assigned' });
  });

  it('[RT16] lets only the owner transfer, and refuses bad targets', async () => {
    const { owner, conversation } = await chatWith('Alice');
    const bob = await onlineAgent('Bob');
    const notOwner = await call(bob.socket, 'conversation:transfer', {
      conversationId: conversation.id,
      to: { type: 'agent', agentId: bob.id },
    });
    // [A2] Bob does not even see Alice's open chat.
    expect(notOwner).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const unknown = await call(owner.socket, 'conversation:transfer', {
      conversationId: conversation.id,
      to: { type: 'department', departmentId: 'f'.repeat(24) },
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const malformed = await call(owner.socket, 'conversation:transfer', {
      conversationId: conversation.id,
      to: { type: 'bot' },
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await stored(conversation.id)).toMatchObject({ agentId: owner.id, round: 1 });
  });
});

describe('internal notes', () => {
  it('[P12] stores a note once per clientMsgId and shows it to agents only', async () => {
    const { owner, visitor, conversation } = await chatWith('Alice');
    const visitorMessages = collect<Message>(visitor.socket, 'message:created');
    const id = clientId();
    const [first, again] = await Promise.all([
      ok<Message>(owner.socket, 'note:add', {
        conversationId: conversation.id,
        clientMsgId: id,
        text: 'VIP customer',
      }),
      ok<Message>(owner.socket, 'note:add', {
        conversationId: conversation.id,
        clientMsgId: id,
        text: 'VIP customer',
      }),
    ]);
    expect(first.id).toBe(again.id);
    expect(first.kind).toBe('note');
    await ok(owner.socket, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: clientId(),
      text: 'Hello!',
    });
    await expect.poll(() => visitorMessages.map((m) => m.text)).toEqual(['Hello!']);
    const empty = await call(owner.socket, 'note:add', {
      conversationId: conversation.id,
      clientMsgId: clientId(),
      text: '  ',
    });
    expect(empty).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('lists the team for the transfer picker without the asking agent', async () => {
    const { owner, conversation } = await chatWith('Alice');
    await onlineAgent('Bob');
    const team = await ok(owner.socket, 'team:list', { conversationId: conversation.id });
    expect(team.agents.map((a: { name: string; isConnected: boolean }) => [a.name, a.isConnected])).toEqual([
      ['Bob', true],
    ]);
  });
});
