import type { QueuePosition, VisitorConversation } from '@hovor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutingSettings } from '../src/sites/routing-settings.js';
import {
  call,
  clientId,
  type Harness,
  manualClock,
  ok,
  startHarness,
  type VisitorSocket,
} from './support/harness.js';

let h: Harness;
let clock: ReturnType<typeof manualClock>;

async function start(routing: Partial<RoutingSettings> = {}) {
  clock = manualClock();
  h = await startHarness({ clock, routing });
}
afterEach(async () => {
  await h.close();
});

/** Keeps the latest queue position each visitor was told. */
function track(socket: VisitorSocket) {
  const seen: { latest: QueuePosition | null; count: number } = { latest: null, count: 0 };
  socket.on('queue:position', (position) => {
    seen.latest = position;
    seen.count++;
  });
  return seen;
}

async function waitingVisitors(n: number) {
  const visitors = [];
  for (let i = 0; i < n; i++) {
    const visitor = await h.visitor();
    const seen = track(visitor.socket);
    const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });
    visitors.push({ ...visitor, seen, conversation });
    clock.advance(1_000);
  }
  return visitors;
}

/** Waits until every visitor still queued has been told a place, and returns the places in queue order. */
async function places(visitors: Awaited<ReturnType<typeof waitingVisitors>>) {
  const queued = (await h.c.conversations.find({ state: 'queued' }).toArray()).map((c) => c._id);
  const waiting = visitors.filter((v) => queued.includes(v.conversation.id));
  await expect
    .poll(() => {
      const positions = waiting.map((v) => v.seen.latest?.position).sort((a, b) => (a ?? 0) - (b ?? 0));
      return positions.join(',');
    })
    .toBe(waiting.map((_, i) => i + 1).join(','));
  return waiting.map((v) => v.seen.latest!);
}

describe('queue positions', () => {
  it('[RT13][RT5] tells every waiting visitor a distinct place 1..N in arrival order', async () => {
    await start();
    const visitors = await waitingVisitors(5);
    const told = await places(visitors);
    expect(visitors.map((v) => v.seen.latest?.position)).toEqual([1, 2, 3, 4, 5]);
    expect(told.every((p) => p.etaSeconds === null)).toBe(true);
  });

  it('[RT13] moves everyone up after each assignment, without gaps or repeats', async () => {
    await start();
    const visitors = await waitingVisitors(4);
    await places(visitors);
    clock.advance(30_000);
    const seeded = await h.seedAgent({ name: 'Alice', capacity: 1 });
    const agent = await h.agent(seeded.email);
    await ok(agent, 'status:set', { status: 'online' });
    await expect
      .poll(async () => (await h.c.conversations.findOne({ _id: visitors[0]!.conversation.id }))?.state)
      .toBe('assigned');
    const after = await places(visitors);
    expect(after.map((p) => p.position).sort()).toEqual([1, 2, 3]);
    expect(visitors[1]!.seen.latest?.position).toBe(1);
    // The first wait (34 s at place 1) now estimates the others: about 34 s per place.
    expect(visitors[1]!.seen.latest?.etaSeconds).toBe(34);
    expect(visitors[3]!.seen.latest?.etaSeconds).toBe(34 * 3);

    await ok(agent, 'conversation:close', { conversationId: visitors[0]!.conversation.id });
    await expect
      .poll(async () => (await h.c.conversations.findOne({ _id: visitors[1]!.conversation.id }))?.state)
      .toBe('assigned');
    const later = await places(visitors);
    expect(later.map((p) => p.position).sort()).toEqual([1, 2]);
  });

  it('[RT13] tells a waiting visitor their place when they sync after a reconnect', async () => {
    await start();
    const [first, second] = await waitingVisitors(2);
    second!.socket.disconnect();
    const again = await h.visitorWithToken(second!.token);
    const seen = track(again);
    await ok(again, 'conversation:sync', { afterSeq: 0 });
    await expect.poll(() => seen.latest?.position).toBe(2);
    expect(first!.seen.latest?.position).toBe(1);
  });
});

describe('the queue box', () => {
  it('[RT5] lists the queue box in queue order, priority first, at most `limit`', async () => {
    await start();
    const visitors = await waitingVisitors(4);
    const ids = visitors.map((v) => v.conversation.id);
    // Only what the store sorts by decides: the third arrival is moved ahead.
    await h.c.conversations.updateOne({ _id: ids[2]! }, { $set: { priority: 5 } });
    const agent = await h.agent((await h.seedAgent({ name: 'Alice' })).email);
    const listed = await ok<{ items: Array<{ id: string }> }>(agent, 'conversations:list', {
      box: 'queue',
      limit: 3,
    });
    expect(listed.items.map((item) => item.id)).toEqual([ids[2], ids[0], ids[1]]);
  });

  it('[RT13] records each chat’s place on entering the queue', async () => {
    await start();
    const visitors = await waitingVisitors(3);
    const stored = await h.c.conversations
      .find({ _id: { $in: visitors.map((v) => v.conversation.id) } })
      .toArray();
    const entryOf = new Map(stored.map((doc) => [doc._id, doc.entryPosition]));
    expect(visitors.map((v) => entryOf.get(v.conversation.id))).toEqual([1, 2, 3]);
  });
});

describe('taking a chat', () => {
  it('[RT14] gives a queued chat to exactly one of ten agents taking it at once', async () => {
    await start({ strategy: 'manual' });
    const agents = [];
    for (let i = 0; i < 10; i++) {
      const seeded = await h.seedAgent({ name: `Agent ${i}` });
      const socket = await h.agent(seeded.email);
      await ok(socket, 'status:set', { status: 'online' });
      agents.push({ ...seeded, socket });
    }
    const [chat] = await waitingVisitors(1);
    expect(chat!.conversation.state).toBe('queued');

    const answers = await Promise.all(
      agents.map((a) => call(a.socket, 'conversation:take', { conversationId: chat!.conversation.id })),
    );
    const winners = answers.filter((a) => a.ok);
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).every((a) => !a.ok && a.error.code === 'CONFLICT')).toBe(true);
    const doc = (await h.c.conversations.findOne({ _id: chat!.conversation.id }))!;
    expect(doc.state).toBe('assigned');
    expect(winners[0]!.ok && winners[0]!.data.agent.id).toBe(doc.agentId);
    expect(await h.c.assignmentClaims.countDocuments({ conversationId: chat!.conversation.id })).toBe(1);
    expect(await h.c.agentSlots.countDocuments({ conversationId: chat!.conversation.id })).toBe(1);
  });

  it('[RT2][RT14] leaves chats queued under the manual strategy until someone takes them', async () => {
    await start({ strategy: 'manual' });
    const seeded = await h.seedAgent({ name: 'Alice' });
    const socket = await h.agent(seeded.email);
    await ok(socket, 'status:set', { status: 'online' });
    const [chat] = await waitingVisitors(1);
    await h.hovor.sweep();
    expect((await h.c.conversations.findOne({ _id: chat!.conversation.id }))!.state).toBe('queued');
    const taken = await ok(socket, 'conversation:take', { conversationId: chat!.conversation.id });
    expect(taken.agent.name).toBe('Alice');
  });

  it('[P16][RT14] answers a retried take of the taker with the same conversation, taking nothing twice', async () => {
    await start({ strategy: 'manual' });
    const seeded = await h.seedAgent({ name: 'Alice' });
    const socket = await h.agent(seeded.email);
    await ok(socket, 'status:set', { status: 'online' });
    const [chat] = await waitingVisitors(1);
    const conversationId = chat!.conversation.id;
    const first = await ok(socket, 'conversation:take', { conversationId });
    const again = await ok(socket, 'conversation:take', { conversationId });
    expect(again).toEqual(first);
    expect(await h.c.agentSlots.countDocuments({ conversationId })).toBe(1);
    expect(await h.c.messages.countDocuments({ conversationId, 'event.type': 'assigned' })).toBe(1);
  });

  it('[RT14] refuses a take from an agent who is not online or has no free slot', async () => {
    await start({ strategy: 'manual' });
    const seeded = await h.seedAgent({ name: 'Alice', capacity: 1 });
    const socket = await h.agent(seeded.email);
    const [first, second] = await waitingVisitors(2);
    const offline = await call(socket, 'conversation:take', { conversationId: first!.conversation.id });
    expect(offline).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await ok(socket, 'status:set', { status: 'online' });
    await ok(socket, 'conversation:take', { conversationId: first!.conversation.id });
    const full = await call(socket, 'conversation:take', { conversationId: second!.conversation.id });
    expect(full).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await h.c.conversations.findOne({ _id: second!.conversation.id }))!.state).toBe('queued');
  });
});
