import type { Message, VisitorConversation } from '@hovor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutingSettings } from '../src/sites/routing-settings.js';
import { clientId, type Harness, manualClock, next, ok, startHarness } from './support/harness.js';

let h: Harness;
let clock: ReturnType<typeof manualClock>;

async function start(routing: Partial<RoutingSettings> = {}) {
  clock = manualClock();
  h = await startHarness({ clock, routing });
}
afterEach(async () => {
  await h.close();
});

const onlineAgent = (name: string) => h.onlineAgent(name);

const startChat = () => h.startChat();

const stored = (id: string) => h.c.conversations.findOne({ _id: id });
const events = async (id: string) =>
  (await h.c.messages.find({ conversationId: id, kind: 'event' }).sort({ seq: 1 }).toArray()).map(
    (m) => m.event,
  );

describe('disconnected agents', () => {
  it('[RT8] re-queues the chat after the grace period and assigns it to another agent', async () => {
    await start({ disconnectGraceMs: 60_000 });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    expect(chat.conversation.agent?.id).toBe(alice.id);
    const originalQueuedAt = (await stored(chat.conversation.id))!.queuedAt;

    alice.socket.disconnect();
    await expect
      .poll(() => h.c.agentLeases.countDocuments({ agentId: alice.id, expiresAt: { $gt: clock.now() } }))
      .toBe(0);
    clock.advance(59_000);
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!.state).toBe('assigned');

    const bob = await onlineAgent('Bob');
    expect((await stored(chat.conversation.id))!.agentId).toBe(alice.id);
    const reassigned = next<VisitorConversation>(
      chat.socket,
      'conversation:updated',
      (c) => c.agent?.id === bob.id,
    );
    clock.advance(2_000);
    await h.hovor.sweep();
    expect((await reassigned).state).toBe('assigned');

    const doc = (await stored(chat.conversation.id))!;
    expect(doc).toMatchObject({ state: 'assigned', agentId: bob.id, round: 2, excludedAgentIds: [alice.id] });
    expect(doc.queuedAt).toEqual(originalQueuedAt);
    expect(await events(chat.conversation.id)).toMatchObject([
      { type: 'queued' },
      { type: 'assigned', agentId: alice.id },
      { type: 'requeued', agentId: alice.id, reason: 'agent-disconnected' },
      { type: 'assigned', agentId: bob.id },
    ]);
    expect(await h.c.agentSlots.countDocuments({ agentId: alice.id })).toBe(0);
  });

  it('[RT7] keeps the agent connected while another tab is open', async () => {
    await start();
    const alice = await onlineAgent('Alice');
    const secondTab = await h.agent(alice.email);
    const chat = await startChat();
    alice.socket.disconnect();
    clock.advance(10 * 60_000);
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!.agentId).toBe(alice.id);
    secondTab.disconnect();
  });

  it('[RT7][RT8] treats a lease nobody renews (its node died) as gone after 30 s plus the grace period', async () => {
    await start({ disconnectGraceMs: 60_000 });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    // The node that holds Alice's connection stops renewing: as if it had been killed.
    await h.c.agentLeases.updateMany({ agentId: alice.id }, { $set: { nodeId: 'dead-node' } });
    clock.advance(30_000 + 59_000);
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!.state).toBe('assigned');
    clock.advance(2_000);
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!).toMatchObject({ state: 'queued', round: 2, agentId: null });
  });

  it('[RT8] gives the chat back to the same agent when nobody else is eligible', async () => {
    await start({ disconnectGraceMs: 1_000 });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    alice.socket.disconnect();
    await expect
      .poll(() => h.c.agentLeases.countDocuments({ agentId: alice.id, expiresAt: { $gt: clock.now() } }))
      .toBe(0);
    clock.advance(2_000);
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!.state).toBe('queued');
    await h.agent(alice.email);
    await expect.poll(async () => (await stored(chat.conversation.id))!.agentId).toBe(alice.id);
  });
});

describe('first reply', () => {
  it('[RT9] re-queues a chat nobody answered within the SLA', async () => {
    await start({ firstReplySlaMs: 120_000 });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    const bob = await onlineAgent('Bob');
    clock.advance(121_000);
    const told = next<Message>(chat.socket, 'message:created', (m) => m.event?.type === 'requeued');
    await h.hovor.sweep();
    expect((await told).event).toMatchObject({ agentId: alice.id, reason: 'no-first-reply' });
    expect((await stored(chat.conversation.id))!).toMatchObject({ agentId: bob.id, round: 2 });
  });

  it('[RT9] keeps a chat whose agent answered in time', async () => {
    await start({ firstReplySlaMs: 120_000 });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    clock.advance(60_000);
    await ok(alice.socket, 'message:send', {
      conversationId: chat.conversation.id,
      clientMsgId: clientId(),
      text: 'Hi!',
    });
    clock.advance(120_000);
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!).toMatchObject({
      state: 'assigned',
      agentId: alice.id,
      round: 1,
    });
  });
});

describe('away agents', () => {
  it('[RT10] leaves the chats with an agent who goes away, by default', async () => {
    await start();
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    await ok(alice.socket, 'status:set', { status: 'away' });
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!.agentId).toBe(alice.id);
    const later = await startChat();
    expect(later.conversation.state).toBe('queued');
  });

  it('[RT10] re-queues the chats of an agent who goes away when the site says so', async () => {
    await start({ requeueOnAway: true });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    const requeued = next<VisitorConversation>(
      chat.socket,
      'conversation:updated',
      (c) => c.state === 'queued',
    );
    await ok(alice.socket, 'status:set', { status: 'away' });
    await requeued;
    expect(await events(chat.conversation.id)).toContainEqual(
      expect.objectContaining({ type: 'requeued', reason: 'agent-away', agentId: alice.id }),
    );
  });
});

describe('inactivity', () => {
  it('[RT11] closes a conversation without messages for the inactivity period, with a system message', async () => {
    await start({ inactivityCloseMs: 30 * 60_000, firstReplySlaMs: 120_000 });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    await ok(alice.socket, 'message:send', {
      conversationId: chat.conversation.id,
      clientMsgId: clientId(),
      text: 'Hi!',
    });
    clock.advance(29 * 60_000);
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!.state).toBe('assigned');

    const ended = next<VisitorConversation>(chat.socket, 'conversation:updated', (c) => c.state === 'closed');
    clock.advance(2 * 60_000);
    await h.hovor.sweep();
    await ended;
    const last = (
      await h.c.messages.find({ conversationId: chat.conversation.id }).sort({ seq: -1 }).limit(1).toArray()
    )[0]!;
    expect(last).toMatchObject({
      author: { type: 'system' },
      event: { type: 'closed', reason: 'inactivity' },
    });
    expect(await h.c.agentSlots.countDocuments({ agentId: alice.id })).toBe(0);
    expect(await h.c.openConversations.countDocuments({})).toBe(0);
  });

  it('[RT11] counts the latest message, not the assignment', async () => {
    await start({ inactivityCloseMs: 30 * 60_000 });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    await ok(alice.socket, 'message:send', {
      conversationId: chat.conversation.id,
      clientMsgId: clientId(),
      text: 'Hi!',
    });
    clock.advance(20 * 60_000);
    await ok(chat.socket, 'message:send', {
      conversationId: chat.conversation.id,
      clientMsgId: clientId(),
      text: 'Still here',
    });
    clock.advance(20 * 60_000);
    await h.hovor.sweep();
    expect((await stored(chat.conversation.id))!.state).toBe('assigned');
  });
});

describe('timed actions across sweeps', () => {
  it('[RT12] re-queues once however many sweeps run at once', async () => {
    await start({ disconnectGraceMs: 1_000 });
    const alice = await onlineAgent('Alice');
    const chat = await startChat();
    alice.socket.disconnect();
    await expect
      .poll(() => h.c.agentLeases.countDocuments({ agentId: alice.id, expiresAt: { $gt: clock.now() } }))
      .toBe(0);
    clock.advance(2_000);
    // A second node over the same database.
    const other = await startHarness({ clock, shareDatabaseWith: h });
    try {
      await Promise.all([h.hovor.sweep(), other.hovor.sweep(), h.hovor.sweep(), other.hovor.sweep()]);
    } finally {
      await other.close();
    }
    const requeues = (await events(chat.conversation.id)).filter((e) => e?.type === 'requeued');
    expect(requeues).toHaveLength(1);
    expect(await h.c.actionClaims.countDocuments({ conversationId: chat.conversation.id })).toBe(1);
  });
});

describe('idle agents', () => {
  it('[RT19] sets an agent away after the idle time without console activity', async () => {
    await start({ idleAwayMs: 15 * 60_000 });
    const alice = await onlineAgent('Alice');
    clock.advance(14 * 60_000);
    await h.hovor.sweep();
    expect((await h.c.agents.findOne({ _id: alice.id }))?.status).toBe('online');
    const told = next(alice.socket, 'agent:updated', (p) => p.status === 'away');
    clock.advance(2 * 60_000);
    await h.hovor.sweep();
    await told;
    expect((await h.c.agents.findOne({ _id: alice.id }))?.status).toBe('away');
    expect((await startChat()).conversation.state).toBe('queued');
  });

  it('[RT19] keeps an agent who uses the console online', async () => {
    await start({ idleAwayMs: 15 * 60_000 });
    const alice = await onlineAgent('Alice');
    clock.advance(10 * 60_000);
    await ok(alice.socket, 'presence:activity', {});
    clock.advance(10 * 60_000);
    await h.hovor.sweep();
    expect((await h.c.agents.findOne({ _id: alice.id }))?.status).toBe('online');
  });
});
