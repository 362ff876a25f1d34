import type { Message } from '@hovor/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDoc } from '../../src/db/collections.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { type Harness, SHOP_ORIGIN, startHarness } from '../support/harness.js';
import { agentTranscripts, type ResilientVisitor, resilientVisitor } from '../support/resilient-clients.js';

/**
 * 200 visitors at once, 100 messages each, through a network that loses acks and connections.
 * `FAULT_VISITORS`, `FAULT_MESSAGES`, `FAULT_ACK_DROP` and `FAULT_CUT` change the load.
 */
const VISITORS = Number(process.env.FAULT_VISITORS ?? 200);
const MESSAGES_PER_VISITOR = Number(process.env.FAULT_MESSAGES ?? 100);
const AGENTS = 10;
const START_WAVE = 20;
/** Share of the server's acks the network loses. */
const ACK_DROP_FRACTION = Number(process.env.FAULT_ACK_DROP ?? 0.2);
/** Every CUT_INTERVAL_MS, this share of the live connections is reset. */
const CUT_FRACTION = Number(process.env.FAULT_CUT ?? 0.01);
const CUT_INTERVAL_MS = 1_000;
/** A visitor pauses up to this long between two messages. */
const MAX_GAP_MS = 40;
/**
 * A visitor resends a message whose ack has not come within this time (the widget waits 10 s).
 * Acks are lost on a live connection here, so the wait sets the pace; a short one also sends
 * more resends while the original is still in flight, the harder case for exactly-once.
 */
const ACK_TIMEOUT_MS = 1_000;

let h: Harness;
let proxy: FaultProxy;
beforeAll(async () => {
  h = await startHarness();
  const port = Number(new URL(h.baseUrl).port);
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port } });
});
afterAll(async () => {
  await proxy?.close();
  await h?.close();
});

async function newVisitor(): Promise<ResilientVisitor> {
  const response = await fetch(`${h.baseUrl}/api/v1/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey: h.site.key, hostOrigin: SHOP_ORIGIN }),
  });
  const body = (await response.json()) as { ok: true; data: { token: string } };
  return resilientVisitor({
    url: proxy.url,
    siteKey: h.site.key,
    token: body.data.token,
    hostOrigin: SHOP_ORIGIN,
    ackTimeoutMs: ACK_TIMEOUT_MS,
  });
}

const seqsOf = (messages: readonly Message[]) => messages.map((m) => m.seq);
const isStrictlyIncreasing = (values: readonly number[]) =>
  values.every((v, i) => i === 0 || v > values[i - 1]!);

describe('delivery through a faulty network', () => {
  it(`[P5][P7][P8][P16] ${VISITORS} visitors × ${MESSAGES_PER_VISITOR} messages, ${ACK_DROP_FRACTION * 100}% of acks lost and connections cut: every message stored once, in order, and received by the agents`, async ({
    annotate,
  }) => {
    const capacity = Math.ceil(VISITORS / AGENTS);
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, (_, i) => h.onlineAgent(`Agent ${i + 1}`, { capacity })),
    );
    const views = agents.map((agent) => agentTranscripts(agent.socket));

    const preparedAt = Date.now();
    const visitors = await Promise.all(Array.from({ length: VISITORS }, newVisitor));
    // Chats start in waves, as visitors arrive on a site; the faults begin once all are routed.
    for (let i = 0; i < visitors.length; i += START_WAVE) {
      await Promise.all(visitors.slice(i, i + START_WAVE).map((v) => v.start()));
    }

    const startingMs = Date.now() - preparedAt;
    proxy.dropServerAcks(ACK_DROP_FRACTION);
    const cutter = setInterval(() => proxy.cutRandom(CUT_FRACTION), CUT_INTERVAL_MS);
    const startedAt = Date.now();
    const sent = new Map<string, string[]>();
    try {
      await Promise.all(
        visitors.map(async (visitor, v) => {
          const texts: string[] = [];
          sent.set(visitor.conversationId!, texts);
          for (let i = 1; i <= MESSAGES_PER_VISITOR; i++) {
            const text = `visitor ${v} message ${i}`;
            texts.push(text);
            await visitor.send(text);
            await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_GAP_MS));
          }
        }),
      );
    } finally {
      clearInterval(cutter);
      proxy.dropServerAcks(0);
    }
    const sendingMs = Date.now() - startedAt;

    // The store, read once, grouped by conversation.
    const byConversation = new Map<string, MessageDoc[]>();
    for (const doc of await h.c.messages.find({}).sort({ seq: 1 }).toArray()) {
      byConversation.set(doc.conversationId, [...(byConversation.get(doc.conversationId) ?? []), doc]);
    }
    const storedOf = (conversationId: string) => byConversation.get(conversationId) ?? [];

    // Every acknowledged message is stored exactly once, in the order sent, with seqs 1, 2, 3, …
    let stored = 0;
    let duplicates = 0;
    for (const [conversationId, texts] of sent) {
      const docs = storedOf(conversationId);
      expect(isStrictlyIncreasing(docs.map((d) => d.seq))).toBe(true);
      expect(docs.map((d) => d.seq)).toEqual(docs.map((_, i) => i + 1));
      const visitorTexts = docs.filter((d) => d.author.type === 'visitor').map((d) => d.text);
      duplicates += visitorTexts.length - new Set(visitorTexts).size;
      stored += visitorTexts.length;
      expect(visitorTexts).toEqual(texts);
    }
    expect(duplicates).toBe(0);
    expect(stored).toBe(VISITORS * MESSAGES_PER_VISITOR);
    for (const visitor of visitors) expect(visitor.acked.size).toBe(MESSAGES_PER_VISITOR);

    // The agents have every message of their conversations, in order, none notified twice.
    const resyncStartedAt = Date.now();
    const owners = await h.c.conversations.find({}).toArray();
    expect(owners).toHaveLength(VISITORS);
    const live = views.map((view) => [...view.transcripts.values()].reduce((n, t) => n + t.bySeq.size, 0));
    await Promise.all(
      views.map((view, i) =>
        view.catchUpAll(owners.filter((o) => o.agentId === agents[i]!.id).map((o) => o._id)),
      ),
    );
    const resyncMs = Date.now() - resyncStartedAt;
    for (const owner of owners) {
      const view = views[agents.findIndex((a) => a.id === owner.agentId)];
      expect(view, `conversation ${owner._id} has an agent`).toBeDefined();
      const transcript = view!.transcripts.get(owner._id)!;
      const docs = storedOf(owner._id);
      expect(seqsOf(transcript.list())).toEqual(docs.map((d) => d.seq));
      expect(transcript.list().map((m) => m.id)).toEqual(docs.map((d) => d._id));
      expect(transcript.duplicateNotifications).toBe(0);
    }
    const liveReceived = live.reduce((a, b) => a + b, 0);

    // The visitors' own transcripts, resynced after every cut, match the store too.
    await Promise.all(visitors.map((v) => v.sync()));
    for (const visitor of visitors) {
      expect(seqsOf(visitor.transcript.list())).toEqual(storedOf(visitor.conversationId!).map((d) => d.seq));
    }

    const resends = visitors.reduce((n, v) => n + v.counters.resends, 0);
    const reconnects = visitors.reduce((n, v) => n + v.counters.reconnects, 0);
    await annotate(
      `${VISITORS} chats routed in ${startingMs} ms; ${VISITORS * MESSAGES_PER_VISITOR} sent in ${sendingMs} ms, ${stored} stored, ${duplicates} duplicates, 0 lost; ` +
        `${proxy.droppedAcks} acks dropped, ${resends} resends, ${reconnects} reconnects; ` +
        `agents got ${liveReceived} messages live, caught up the rest in ${resyncMs} ms`,
      'delivery',
    );
    for (const visitor of visitors) visitor.close();
  }, 600_000);
});
