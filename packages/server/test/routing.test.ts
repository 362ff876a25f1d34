import type { ConversationSummary, VisitorConversation } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientId, collect, type Harness, next, ok, startHarness } from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const onlineAgent = (name: string, capacity?: number) =>
  h.onlineAgent(name, capacity === undefined ? {} : { capacity });

const startChat = () => h.startChat();

describe('routing', () => {
  it('[RT2] assigns a new conversation to the least-busy online agent', async () => {
    const alice = await onlineAgent('Alice');
    const first = await startChat();
    expect(first.conversation.agent?.name).toBe('Alice');
    const bob = await onlineAgent('Bob');
    const second = await startChat();
    expect(second.conversation).toMatchObject({ state: 'assigned', agent: { id: bob.id, name: 'Bob' } });
    expect(alice.id).not.toBe(bob.id);
  });

  it('[RT2] gives a tie to the agent who has waited longest since the last assignment', async () => {
    await onlineAgent('Alice');
    await onlineAgent('Bob');
    const chats = [await startChat(), await startChat(), await startChat(), await startChat()];
    const names = chats.map((chat) => chat.conversation.agent?.name);
    expect(names.filter((name) => name === 'Alice')).toHaveLength(2);
    expect(names.filter((name) => name === 'Bob')).toHaveLength(2);
    expect(names[0]).not.toBe(names[1]);
  });

  it('[RT6] queues the conversation when no agent is online and assigns it when one comes online', async () => {
    const carol = await h.seedAgent({ name: 'Carol' });
    const agentSocket = await h.agent(carol.email);
    const chat = await startChat();
    expect(chat.conversation).toMatchObject({ state: 'queued', agent: null });

    const assigned = next<VisitorConversation>(
      chat.socket,
      'conversation:updated',
      (c) => c.state === 'assigned',
    );
    const seenByAgent = next<ConversationSummary>(
      agentSocket,
      'conversation:updated',
      (c) => c.state === 'assigned',
    );
    await ok(agentSocket, 'status:set', { status: 'online' });
    expect((await assigned).agent?.name).toBe('Carol');
    expect((await seenByAgent).id).toBe(chat.conversation.id);
  });

  it('[P9] tells the owner at once and the rest of the site in one list frame for a burst of changes', async () => {
    const alice = await onlineAgent('Alice');
    const carol = await h.seedAgent({ name: 'Carol' });
    const carolSocket = await h.agent(carol.email);
    await ok(carolSocket, 'status:set', { status: 'away' });
    const toCarol = collect<ConversationSummary>(carolSocket, 'conversation:updated');
    const carolsLists = collect<ConversationSummary[]>(carolSocket, 'conversations:updated');
    const ownerHears = next<ConversationSummary>(alice.socket, 'conversation:updated');
    const siteHears = next<ConversationSummary[]>(carolSocket, 'conversations:updated');

    const chat = await startChat();
    expect(chat.conversation.state).toBe('assigned');
    expect(await ownerHears).toMatchObject({ id: chat.conversation.id, state: 'assigned' });
    // Queued, then assigned: Carol hears the latest of it once, in the site's list frame.
    expect((await siteHears).map((c) => [c.id, c.state, c.agent?.id])).toEqual([
      [chat.conversation.id, 'assigned', alice.id],
    ]);
    await ok(carolSocket, 'status:set', { status: 'away' });
    expect(toCarol).toEqual([]);
    expect(carolsLists).toHaveLength(1);
  });

  it('[RT1] does not give chats to agents who are away or offline', async () => {
    const away = await h.seedAgent({ name: 'Away' });
    const awaySocket = await h.agent(away.email);
    await ok(awaySocket, 'status:set', { status: 'away' });
    await h.seedAgent({ name: 'Never connected' });
    const chat = await startChat();
    expect(chat.conversation.state).toBe('queued');
  });

  it('[RT1][RT7] does not give chats to an online agent without a live connection', async () => {
    const dave = await onlineAgent('Dave');
    dave.socket.disconnect();
    await expect
      .poll(() => h.c.agentLeases.countDocuments({ agentId: dave.id, expiresAt: { $gt: new Date() } }))
      .toBe(0);
    const chat = await startChat();
    expect(chat.conversation.state).toBe('queued');
  });

  it('[RT1][RT3][RT6] never exceeds an agent capacity and assigns the queue when a slot frees', async () => {
    const erin = await onlineAgent('Erin', 1);
    const first = await startChat();
    const second = await startChat();
    expect(first.conversation.state).toBe('assigned');
    expect(second.conversation.state).toBe('queued');

    const assigned = next<VisitorConversation>(
      second.socket,
      'conversation:updated',
      (c) => c.state === 'assigned',
    );
    await ok(erin.socket, 'conversation:close', { conversationId: first.conversation.id });
    expect((await assigned).agent?.id).toBe(erin.id);
  });

  it('[RT3] keeps every agent within capacity when many chats start at once', async () => {
    const agents = [await onlineAgent('F1', 3), await onlineAgent('F2', 3)];
    const visitors = await Promise.all(Array.from({ length: 20 }, () => h.visitor()));
    const started = await Promise.all(
      visitors.map((v) => ok<VisitorConversation>(v.socket, 'conversation:start', { requestId: clientId() })),
    );
    expect(new Set(started.map((c) => c.id)).size).toBe(20);
    const stored = await h.c.conversations.find({ siteId: h.site.id }).toArray();
    const perAgent = agents.map(
      (a) => stored.filter((c) => c.agentId === a.id && c.state === 'assigned').length,
    );
    expect(perAgent).toEqual([3, 3]);
    expect(stored.filter((c) => c.state === 'queued')).toHaveLength(14);
    expect(await h.c.agentSlots.countDocuments({})).toBe(6);
    const claims = await h.c.assignmentClaims.find({}).toArray();
    expect(claims).toHaveLength(6);
  });

  it('[P6][RT4] starts one conversation for a visitor however many (50) starts arrive at once', async () => {
    const visitor = await h.visitor();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        ok<VisitorConversation>(visitor.socket, 'conversation:start', { requestId: clientId() }),
      ),
    );
    expect(new Set(results.map((c) => c.id)).size).toBe(1);
    expect(await h.c.conversations.countDocuments({ visitorId: visitor.visitorId })).toBe(1);
  });
});
