import type { Message, OpenConversationResult } from '@hovor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backlogOf,
  MAX_CLIENT_BACKLOG_BYTES,
  MAX_CLIENT_BACKLOG_PACKETS,
} from '../src/sockets/slow-consumers.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import {
  clientId,
  collect,
  type Harness,
  manualClock,
  ok,
  SHOP_ORIGIN,
  startHarness,
} from './support/harness.js';
import { resilientVisitor } from './support/resilient-clients.js';

let h: Harness | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await h?.close();
  proxy = undefined;
  h = undefined;
});

/** How long the agent is gone: shorter than the grace period, so the chat stays theirs [RT8]. */
const AGENT_AWAY_MS = 30_000;

describe('catching up after being away', () => {
  it('[P8][RT8] gives an agent who was disconnected 30 s the 50 messages sent meanwhile, once and in order', async () => {
    const clock = manualClock();
    h = await startHarness({ clock });
    const agent = await h.onlineAgent('Alice');
    const { socket: visitor, conversation } = await h.startChat();
    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId: conversation.id,
      afterSeq: 0,
    });
    expect(opened.conversation.agent?.id).toBe(agent.id);
    const lastSeq = opened.messages.at(-1)!.seq;

    agent.socket.disconnect();
    await expect
      .poll(() => h!.c.agentLeases.countDocuments({ agentId: agent.id, expiresAt: { $gt: clock.now() } }))
      .toBe(0);
    const texts = Array.from({ length: 50 }, (_, i) => `while you were away ${i + 1}`);
    for (const [i, text] of texts.entries()) {
      await ok(visitor, 'message:send', { conversationId: conversation.id, clientMsgId: clientId(), text });
      clock.advance(AGENT_AWAY_MS / texts.length);
      if (i % 10 === 9) await h.hovor.sweep();
    }
    // Still hers: 30 s is within the grace period.
    expect((await h.c.conversations.findOne({ _id: conversation.id }))?.agentId).toBe(agent.id);

    const back = await h.agent(agent.email);
    const live = collect<Message>(back, 'message:created');
    const caughtUp: Message[] = [];
    for (let after = lastSeq; ; ) {
      const page = await ok<OpenConversationResult>(back, 'conversation:open', {
        conversationId: conversation.id,
        afterSeq: after,
      });
      caughtUp.push(...page.messages);
      if (!page.hasMore) break;
      after = page.messages.at(-1)!.seq;
    }
    expect(caughtUp.map((m) => m.text)).toEqual(texts);
    expect(caughtUp.map((m) => m.seq)).toEqual(texts.map((_, i) => lastSeq + 1 + i));
    expect(live).toEqual([]);

    // And the conversation goes on live, with nothing repeated.
    await ok(visitor, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: clientId(),
      text: 'still there?',
    });
    await expect.poll(() => live.map((m) => m.text)).toEqual(['still there?']);
    expect(live[0]!.seq).toBe(lastSeq + 51);
  });

  it('[P15][P8] disconnects a visitor who stops reading while an agent writes to it (up to 100 messages a second), keeping memory bounded, and it later resyncs', async ({
    annotate,
  }) => {
    h = await startHarness();
    const agent = await h.onlineAgent('Alice');
    const port = Number(new URL(h.baseUrl).port);
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port } });
    const token = (
      (await (
        await fetch(`${h.baseUrl}/api/v1/visitors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ siteKey: h.site.key, hostOrigin: SHOP_ORIGIN }),
        })
      ).json()) as { data: { token: string } }
    ).data.token;
    const stuck = resilientVisitor({ url: proxy.url, siteKey: h.site.key, token, hostOrigin: SHOP_ORIGIN });
    const conversation = await stuck.start();
    await ok(agent.socket, 'conversation:open', { conversationId: conversation.id, afterSeq: 0 });
    // The only visitor of this harness, as the server holds it.
    const serverSide = () => [...h!.hovor.io.of('/visitor').sockets.values()][0];
    expect(serverSide()).toBeDefined();

    // The visitor's network stops reading; the agent writes long messages, 100 a second. The
    // backlog guard cuts the client off near its bound, long before Engine.IO's heartbeat would.
    proxy.halfOpen();
    const disconnected = new Promise<string>((resolve) => serverSide()!.once('disconnect', resolve));
    const heapBefore = process.memoryUsage().heapUsed;
    let peakBacklog = 0;
    let peakPackets = 0;
    let produced = 0;
    const text = 'x'.repeat(3_900);
    let isProducing = true;
    const producer = (async () => {
      while (isProducing) {
        const batch = Array.from({ length: 10 }, () =>
          ok(agent.socket, 'message:send', {
            conversationId: conversation.id,
            clientMsgId: clientId(),
            text,
          }),
        );
        await Promise.all([...batch, new Promise((resolve) => setTimeout(resolve, 100))]);
        produced += batch.length;
        const socket = serverSide();
        if (socket) {
          peakBacklog = Math.max(peakBacklog, backlogOf(socket).bytes);
          peakPackets = Math.max(peakPackets, backlogOf(socket).packets);
        }
      }
    })();
    const stuckAt = Date.now();
    const reason = await disconnected;
    const cutAfterMs = Date.now() - stuckAt;
    isProducing = false;
    await producer;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    // Cut off by the guard (not by a missed heartbeat), near the bound plus what one check
    // interval adds, not after everything was buffered.
    expect(reason).toBe('server namespace disconnect');
    expect(peakBacklog).toBeLessThan(MAX_CLIENT_BACKLOG_BYTES + 1024 * 1024);
    expect(peakPackets).toBeLessThanOrEqual(MAX_CLIENT_BACKLOG_PACKETS + 200);
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
    await annotate(
      `${produced} messages of 3.9 kB produced (${Math.round((produced / cutAfterMs) * 1000)}/s); cut off ` +
        `after ${cutAfterMs} ms with a peak backlog of ${Math.round(peakBacklog / 1024)} KiB in ` +
        `${peakPackets} packets; ` +
        `heap grew ${Math.round(heapGrowth / 1024 / 1024)} MiB`,
      'backlog',
    );

    // Its network heals; it reconnects and gets everything it missed, in order.
    proxy.heal();
    await expect.poll(() => stuck.counters.reconnects, { timeout: 15_000 }).toBeGreaterThan(0);
    await stuck.sync();
    const stored = await h.c.messages.find({ conversationId: conversation.id }).sort({ seq: 1 }).toArray();
    expect(stuck.transcript.list().map((m) => m.seq)).toEqual(stored.map((m) => m.seq));
    expect(stored.filter((m) => m.author.type === 'agent').length).toBe(produced);
    stuck.close();
  }, 60_000);
});
