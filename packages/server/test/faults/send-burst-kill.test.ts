import { randomUUID } from 'node:crypto';
import { type Ack, AGENT_NAMESPACE, type Message, PROTOCOL_VERSION } from '@hovor/protocol';
import { MongoClient } from 'mongodb';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAgentRepository } from '../../src/agents/agent.repository.js';
import { hashPassword } from '../../src/auth/password.js';
import { DEMO_SITE_KEY } from '../../src/bootstrap.js';
import { collections, type MessageDoc } from '../../src/db/collections.js';
import { AGENT_PASSWORD, type AgentSocket, connectSocket, ok, signIn } from '../support/harness.js';
import { exited, HOST_ORIGIN, type HovorProcess, kill, startNode, stop } from '../support/hovor-process.js';
import { agentTranscripts, type ResilientVisitor, resilientVisitor } from '../support/resilient-clients.js';

const VISITORS = 10;
const MESSAGES_PER_VISITOR = 50;
/** The node dies at the moment of this ack: mid-burst, with sends in flight. */
const KILL_AT_ACK = 200;
/** A second node compiles with tsx on 2 busy cores, then ~300 sends and the resyncs finish. */
const RECOVERY_TIMEOUT_MS = 60_000;

const dbName = `burstkill_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const mongo = new MongoClient(inject('mongoUrl'));
const c = collections(mongo.db(dbName));
const nodes: HovorProcess[] = [];
const visitors: ResilientVisitor[] = [];
const sockets: AgentSocket[] = [];

beforeAll(async () => {
  await mongo.connect();
});

afterAll(async () => {
  for (const visitor of visitors) visitor.close();
  for (const socket of sockets) socket.disconnect();
  // Whatever failed, no server process outlives the test.
  await Promise.all(nodes.map(kill));
  await mongo.db(dbName).dropDatabase();
  await mongo.close();
});

async function start(port?: number): Promise<HovorProcess> {
  const node = await startNode({ mongoUrl: inject('mongoUrl'), dbName, ...(port ? { port } : {}) });
  nodes.push(node);
  return node;
}

/**
 * An online agent whose console reconnects by itself (to whichever node then listens on the
 * port) and catches up on every conversation it knows [P8][P16].
 */
async function reconnectingAgent(node: HovorProcess, siteId: string) {
  const email = `agent-${randomUUID().slice(0, 6)}@example.test`;
  const agent = await createAgentRepository(c).create(
    {
      email,
      name: 'Agent',
      passwordHash: await hashPassword(AGENT_PASSWORD),
      role: 'agent',
      siteIds: [siteId],
      capacity: VISITORS,
    },
    new Date(),
  );
  const cookie = await signIn(node.baseUrl, email, AGENT_PASSWORD);
  const socket = await connectSocket<AgentSocket>(
    io(`${node.baseUrl}${AGENT_NAMESPACE}`, {
      auth: { v: PROTOCOL_VERSION },
      extraHeaders: { cookie },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1_000,
    }),
    sockets,
  );
  await ok(socket, 'status:set', { status: 'online' });
  return { id: agent.id, socket };
}

async function newVisitor(node: HovorProcess): Promise<ResilientVisitor> {
  const response = await fetch(`${node.baseUrl}/api/v1/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey: DEMO_SITE_KEY, hostOrigin: HOST_ORIGIN }),
  });
  const body = (await response.json()) as Ack<{ token: string }>;
  if (!body.ok) throw new Error(`creating a visitor failed: ${body.error.code}`);
  const visitor = resilientVisitor({
    url: node.baseUrl,
    siteKey: DEMO_SITE_KEY,
    token: body.data.token,
    hostOrigin: HOST_ORIGIN,
  });
  visitors.push(visitor);
  return visitor;
}

/** Resolves as `work` does, or fails loudly once `ms` have passed. */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const idsOf = (messages: readonly Message[]) => messages.map((m) => m.id);
const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

describe('a server node killed during a send burst', () => {
  it('[P5][P8][P16] SIGKILL the server during a send burst; start it again: every acked message is in the database, clients resync, no duplicates', async ({
    annotate,
  }) => {
    const first = await start();
    const site = await c.sites.findOne({ key: DEMO_SITE_KEY });
    expect(site).not.toBeNull();
    const agent = await reconnectingAgent(first, site!._id);
    const view = agentTranscripts(agent.socket);
    const burst = await Promise.all(Array.from({ length: VISITORS }, () => newVisitor(first)));
    await Promise.all(burst.map((v) => v.start()));
    const conversationIds = burst.map((v) => v.conversationId!);
    expect(await c.conversations.countDocuments({ _id: { $in: conversationIds }, agentId: agent.id })).toBe(
      VISITORS,
    );

    // Every visitor sends its messages one after the other, as fast as the acks come. The node is
    // killed in the same tick as the KILL_AT_ACK-th ack, so what is remembered was acked before.
    let acks = 0;
    let ackedBeforeKill: Array<[string, Message]> = [];
    let killedAt = 0;
    const sent = burst.map(() => [] as string[]);
    const sending = Promise.all(
      burst.map(async (visitor, v) => {
        for (let i = 1; i <= MESSAGES_PER_VISITOR; i++) {
          const text = `visitor ${v} message ${i}`;
          sent[v]!.push(text);
          await visitor.send(text);
          if (++acks !== KILL_AT_ACK) continue;
          first.child.kill('SIGKILL');
          killedAt = Date.now();
          ackedBeforeKill = burst.flatMap((b) => [...b.acked.entries()]);
        }
      }),
    );
    // A refused send fails the test when it is awaited, not as an unhandled rejection before.
    sending.catch(() => undefined);

    await expect.poll(() => killedAt, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
    expect(await exited(first.child)).toEqual({ code: null, signal: 'SIGKILL' });
    // Acks that arrived in one read may all be in before the counter reaches KILL_AT_ACK.
    expect(ackedBeforeKill.length).toBeGreaterThanOrEqual(KILL_AT_ACK);
    const storedAtKill = await c.messages.countDocuments({
      conversationId: { $in: conversationIds },
      'author.type': 'visitor',
    });

    // A new node on the same port: the clients find it by themselves.
    const second = await start(first.port);
    const restartedAt = Date.now();
    await within(sending, RECOVERY_TIMEOUT_MS, 'every send acked after the restart');
    const allAckedAfterMs = Date.now() - restartedAt;

    // The store once every send is acked; nothing writes to these conversations any more.
    const store = new Map<string, MessageDoc[]>();
    for (const id of conversationIds) {
      store.set(id, await c.messages.find({ conversationId: id }).sort({ seq: 1 }).toArray());
    }
    const storedIds = (conversationId: string) => store.get(conversationId)!.map((d) => d._id);

    // [P8][P16] The visitors and the agent reconnect to the new node and resync by themselves.
    const lagging = () =>
      burst.flatMap((visitor, v) => {
        const expected = storedIds(visitor.conversationId!);
        const views = {
          [`visitor ${v}`]: idsOf(visitor.transcript.list()),
          [`the agent, on visitor ${v}'s chat`]: idsOf(
            view.transcripts.get(visitor.conversationId!)?.list() ?? [],
          ),
        };
        return Object.entries(views)
          .filter(([, ids]) => !same(ids, expected))
          .map(([who, ids]) => `${who} holds ${ids.length} of ${expected.length}`);
      });
    await expect.poll(lagging, { timeout: RECOVERY_TIMEOUT_MS, interval: 20 }).toEqual([]);
    const resyncedAfterMs = Date.now() - restartedAt;

    // [P5] Every message acked before the kill is stored exactly once, as acked (same id, same seq).
    for (const [clientMsgId, message] of ackedBeforeKill) {
      const docs = store.get(message.conversationId)!.filter((d) => d.clientMsgId === clientMsgId);
      expect(docs.map((d) => ({ id: d._id, seq: d.seq }))).toEqual([{ id: message.id, seq: message.seq }]);
    }

    // [P5][P7] Every visitor's whole burst is stored once, in the order sent, seqs 1..n.
    let stored = 0;
    let duplicates = 0;
    let agentDuplicateNotifications = 0;
    for (const [v, visitor] of burst.entries()) {
      const docs = store.get(visitor.conversationId!)!;
      expect(docs.map((d) => d.seq)).toEqual(docs.map((_, i) => i + 1));
      const texts = docs.filter((d) => d.author.type === 'visitor').map((d) => d.text);
      duplicates += texts.length - new Set(texts).size;
      stored += texts.length;
      expect(texts).toEqual(sent[v]);
      expect(visitor.acked.size).toBe(MESSAGES_PER_VISITOR);
      const seqById = new Map(docs.map((d) => [d._id, d.seq]));
      for (const message of visitor.acked.values()) expect(seqById.get(message.id)).toBe(message.seq);
      agentDuplicateNotifications += view.transcripts.get(visitor.conversationId!)!.duplicateNotifications;
    }
    expect(duplicates).toBe(0);
    expect(stored).toBe(VISITORS * MESSAGES_PER_VISITOR);
    const reconnects = burst.reduce((n, v) => n + v.counters.reconnects, 0);
    expect(reconnects).toBeGreaterThanOrEqual(VISITORS);
    expect(view.counters.reconnects).toBeGreaterThanOrEqual(1);
    expect(agent.socket.connected).toBe(true);

    const resends = burst.reduce((n, v) => n + v.counters.resends, 0);
    await annotate(
      `${VISITORS * MESSAGES_PER_VISITOR} sent, ${ackedBeforeKill.length} acked before the SIGKILL (${storedAtKill} stored by then), ` +
        `${stored} stored in the end, ${duplicates} duplicates; ${resends} resends, ${reconnects} visitor reconnects, ` +
        `${agentDuplicateNotifications} notifications the agent already had`,
      'delivery',
    );
    await annotate(
      `the new node printed its banner ${restartedAt - killedAt} ms after the SIGKILL; from then, every send was acked ` +
        `in ${allAckedAfterMs} ms and every transcript resynced in ${resyncedAfterMs} ms`,
      'timing',
    );
    for (const visitor of burst) visitor.close();
    agent.socket.disconnect();
    expect(await stop(second)).toBe(0);
  }, 90_000);
});
