import type { ConversationSummary, Message, TypingChanged, VisitorConversation } from '@hovor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from './support/cluster.js';
import { type AgentSocket, clientId, collect, next, ok, type VisitorSocket } from './support/harness.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function onlineAgent(c: Cluster, node: number, name: string, capacity?: number) {
  const seeded = await c.seedAgent({ name, ...(capacity === undefined ? {} : { capacity }) });
  const socket = await c.agent(node, seeded.email);
  await ok(socket, 'status:set', { status: 'online' });
  return { ...seeded, socket };
}

const send = (socket: AgentSocket | VisitorSocket, conversationId: string, text: string) =>
  ok<Message>(socket, 'message:send', { conversationId, clientMsgId: clientId(), text });

describe('several nodes sharing one database and Redis', () => {
  it('carries assignment, messages and typing between a visitor on one node and an agent on another', async () => {
    const c = await startCluster(2);
    cluster = c;
    const alice = await onlineAgent(c, 1, 'Alice');
    const visitor = await c.visitor(0);

    const seenByAgent = next<ConversationSummary>(
      alice.socket,
      'conversation:updated',
      (s) => s.state === 'assigned',
    );
    const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });
    expect(conversation).toMatchObject({ state: 'assigned', agent: { id: alice.id } });
    expect(await seenByAgent).toMatchObject({ id: conversation.id, state: 'assigned' });
    await ok(alice.socket, 'conversation:open', { conversationId: conversation.id, afterSeq: 0 });

    const agentGets = next<Message>(alice.socket, 'message:created', (m) => m.text === 'from A');
    const sentByVisitor = await send(visitor.socket, conversation.id, 'from A');
    expect((await agentGets).id).toBe(sentByVisitor.id);

    const visitorGets = next<Message>(visitor.socket, 'message:created', (m) => m.text === 'from B');
    const sentByAgent = await send(alice.socket, conversation.id, 'from B');
    expect((await visitorGets).id).toBe(sentByAgent.id);

    const agentSeesTyping = next<TypingChanged>(alice.socket, 'typing:changed', (t) => t.isTyping);
    await ok(visitor.socket, 'typing:set', { conversationId: conversation.id, isTyping: true });
    expect(await agentSeesTyping).toMatchObject({ conversationId: conversation.id, isTyping: true });

    const visitorSeesTyping = next<TypingChanged>(visitor.socket, 'typing:changed', (t) => t.isTyping);
    await ok(alice.socket, 'typing:set', { conversationId: conversation.id, isTyping: true });
    expect(await visitorSeesTyping).toMatchObject({ conversationId: conversation.id, name: 'Alice' });
  });

  it('[RT3][RT6] keeps every agent within capacity when 20 chats start at once on 3 nodes', async () => {
    const c = await startCluster(3);
    cluster = c;
    const agents = await Promise.all([0, 1, 2].map((node) => onlineAgent(c, node, `Agent ${node}`, 3)));
    const visitors = await Promise.all(Array.from({ length: 20 }, (_, i) => c.visitor(i % 3)));

    const started = await Promise.all(
      visitors.map((v) => ok<VisitorConversation>(v.socket, 'conversation:start', { requestId: clientId() })),
    );
    expect(new Set(started.map((s) => s.id)).size).toBe(20);
    for (const v of visitors) {
      expect(await c.c.conversations.countDocuments({ visitorId: v.visitorId })).toBe(1);
    }
    const stored = await c.c.conversations.find({ siteId: c.site.id }).toArray();
    expect(stored).toHaveLength(20);
    expect(stored.filter((s) => s.state === 'assigned')).toHaveLength(9);
    expect(stored.filter((s) => s.state === 'queued')).toHaveLength(11);
    for (const agent of agents) {
      expect(stored.filter((s) => s.state === 'assigned' && s.agentId === agent.id)).toHaveLength(3);
      expect(await c.c.agentSlots.countDocuments({ agentId: agent.id })).toBe(3);
    }

    // Agent 0 closes a chat on node 0; the queued chat may be routed by any node, and its
    // visitor may sit on any node.
    // From the database, not the acks: a chat acked as queued may have been assigned since.
    const queuedVisitorIds = new Set(stored.filter((s) => s.state === 'queued').map((s) => s.visitorId));
    const queued = visitors.filter((v) => queuedVisitorIds.has(v.visitorId));
    expect(queued).toHaveLength(11);
    const anAssignment = Promise.any(
      queued.map((v) =>
        next<VisitorConversation>(v.socket, 'conversation:updated', (s) => s.state === 'assigned'),
      ),
    );
    const toClose = stored.find((s) => s.state === 'assigned' && s.agentId === agents[0]!.id)!;
    await ok(agents[0]!.socket, 'conversation:close', { conversationId: toClose._id });
    expect((await anAssignment).agent?.id).toBe(agents[0]!.id);

    await expect.poll(() => c.c.conversations.countDocuments({ state: 'assigned' })).toBe(9);
    expect(await c.c.conversations.countDocuments({ state: 'queued' })).toBe(10);
    expect(await c.c.conversations.countDocuments({ state: 'closed' })).toBe(1);
    for (const agent of agents) {
      expect(await c.c.agentSlots.countDocuments({ agentId: agent.id })).toBe(3);
      expect(await c.c.conversations.countDocuments({ state: 'assigned', agentId: agent.id })).toBe(3);
    }
  });

  it('delivers each message once to every tab of an agent whose tabs sit on different nodes', async () => {
    const c = await startCluster(3);
    cluster = c;
    const alice = await onlineAgent(c, 0, 'Alice');
    const secondTab = await c.agent(1, alice.email);
    const visitor = await c.visitor(2);
    const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });
    expect(conversation.agent?.id).toBe(alice.id);
    await ok(alice.socket, 'conversation:open', { conversationId: conversation.id, afterSeq: 0 });
    await ok(secondTab, 'conversation:open', { conversationId: conversation.id, afterSeq: 0 });

    const tabs = [alice.socket, secondTab];
    const received = tabs.map((tab) => collect<Message>(tab, 'message:created'));
    const sent = [
      await send(visitor.socket, conversation.id, 'one'),
      await send(alice.socket, conversation.id, 'two'),
      await send(secondTab, conversation.id, 'three'),
    ];
    // Redis keeps each publisher's order, so a duplicate from the visitor's node arrives before this.
    const lastSeen = tabs.map((tab) => next<Message>(tab, 'message:created', (m) => m.text === 'last'));
    sent.push(await send(visitor.socket, conversation.id, 'last'));
    await Promise.all(lastSeen);

    // Once each; events published by different nodes may interleave, and clients order by seq.
    for (const messages of received) {
      const bySeq = [...messages].sort((x, y) => x.seq - y.seq);
      expect(bySeq.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    }
  });
});
