import { randomUUID } from 'node:crypto';
import {
  type Ack,
  AGENT_NAMESPACE,
  type Message,
  PROTOCOL_VERSION,
  VISITOR_NAMESPACE,
  type VisitorConversation,
} from '@hovor/protocol';
import { MongoClient } from 'mongodb';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAgentRepository } from '../../src/agents/agent.repository.js';
import { hashPassword } from '../../src/auth/password.js';
import { DEMO_SITE_KEY } from '../../src/bootstrap.js';
import { collections } from '../../src/db/collections.js';
import { type AgentSocket, clientId, collect, ok, signIn, type VisitorSocket } from '../support/harness.js';
import {
  exited,
  HOST_ORIGIN,
  type HovorProcess,
  kill,
  startNode as startProcess,
  stop,
} from '../support/hovor-process.js';

const dbName = `nodekill_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
/** [RT7] Lease lifetime without renewal, shortened so that the test takes seconds. */
const LEASE_MS = 2_000;
/** [RT8] The site's grace period after the last live lease. */
const GRACE_MS = 3_000;
/** Sweep interval (1 s), database round trips, a loaded CI machine. */
const SLACK_MS = 6_000;
const PASSWORD = 'correct horse battery staple';

const nodes: HovorProcess[] = [];
const sockets: Socket[] = [];
const mongo = new MongoClient(inject('mongoUrl'));
const c = collections(mongo.db(dbName));

beforeAll(async () => {
  await mongo.connect();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  // Whatever failed, no server process outlives the test.
  await Promise.all(nodes.splice(0).map(kill));
});

afterAll(async () => {
  await mongo.db(dbName).dropDatabase();
  await mongo.close();
});

/** A node on this file's database, with leases short enough for the test to take seconds. */
async function startNode(): Promise<HovorProcess> {
  const node = await startProcess({
    mongoUrl: inject('mongoUrl'),
    dbName,
    redisUrl: inject('redisUrl'),
    env: { PRESENCE_LEASE_MS: String(LEASE_MS) },
  });
  nodes.push(node);
  return node;
}

async function connect<S extends Socket>(socket: S): Promise<S> {
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

async function onlineAgent(node: HovorProcess, siteId: string, name: string, capacity: number) {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 6)}@example.test`;
  const agent = await createAgentRepository(c).create(
    { email, name, passwordHash: await hashPassword(PASSWORD), role: 'agent', siteIds: [siteId], capacity },
    new Date(),
  );
  const cookie = await signIn(node.baseUrl, email, PASSWORD);
  const socket = await connect<AgentSocket>(
    io(`${node.baseUrl}${AGENT_NAMESPACE}`, {
      auth: { v: PROTOCOL_VERSION },
      extraHeaders: { cookie },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    }),
  );
  await ok(socket, 'status:set', { status: 'online' });
  return { id: agent.id, capacity, socket };
}

async function visitor(node: HovorProcess) {
  const response = await fetch(`${node.baseUrl}/api/v1/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey: DEMO_SITE_KEY, hostOrigin: HOST_ORIGIN }),
  });
  const body = (await response.json()) as Ack<{ visitorId: string; token: string }>;
  if (!body.ok) throw new Error(`creating a visitor failed: ${body.error.code}`);
  return connect<VisitorSocket>(
    io(`${node.baseUrl}${VISITOR_NAMESPACE}`, {
      auth: { v: PROTOCOL_VERSION, siteKey: DEMO_SITE_KEY, token: body.data.token, hostOrigin: HOST_ORIGIN },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    }),
  );
}

describe('a server node killed while its agents hold chats', () => {
  it('[RT7][RT8] re-assigns every chat of the dead node’s agent on the surviving node within lease + grace', async ({
    annotate,
  }) => {
    // A bootstraps the demo site on the empty database; B then finds it.
    const a = await startNode();
    const b = await startNode();
    const site = await c.sites.findOne({ key: DEMO_SITE_KEY });
    expect(site).not.toBeNull();
    // Read by the sweeps (each node trusts a site it read for SITE_CACHE_MS), long before anyone leaves.
    await c.sites.updateOne({ _id: site!._id }, { $set: { 'routing.disconnectGraceMs': GRACE_MS } });

    // Alice (on A) is the only eligible agent while the chats start, so she takes all three.
    const alice = await onlineAgent(a, site!._id, 'Alice', 3);
    const visitors = await Promise.all([visitor(b), visitor(b), visitor(b)]);
    const started: VisitorConversation[] = [];
    for (const socket of visitors) {
      started.push(await ok<VisitorConversation>(socket, 'conversation:start', { requestId: clientId() }));
    }
    const ids = started.map((conversation) => conversation.id);
    expect(started.map((conversation) => conversation.agent?.id)).toEqual([alice.id, alice.id, alice.id]);
    expect(
      await c.conversations.countDocuments({ _id: { $in: ids }, state: 'assigned', agentId: alice.id }),
    ).toBe(3);

    // Bob (on B) comes online only now: nothing is queued, so Alice keeps her chats.
    const bob = await onlineAgent(b, site!._id, 'Bob', 3);
    expect(await c.conversations.countDocuments({ _id: { $in: ids }, agentId: alice.id })).toBe(3);

    const updates = visitors.map((socket) => collect<VisitorConversation>(socket, 'conversation:updated'));
    const messages = visitors.map((socket) => collect<Message>(socket, 'message:created'));

    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await exited(a.child)).toEqual({ code: null, signal: 'SIGKILL' });

    await expect
      .poll(() => c.conversations.countDocuments({ _id: { $in: ids }, state: 'assigned', agentId: bob.id }), {
        timeout: LEASE_MS + GRACE_MS + SLACK_MS + 2_000,
        interval: 50,
      })
      .toBe(3);

    // Alice's leases are no longer renewed by anyone: the latest end is when she was last seen.
    const leases = await c.agentLeases.find({ agentId: alice.id }).toArray();
    expect(leases.length).toBeGreaterThan(0);
    const lastSeenAt = Math.max(...leases.map((lease) => lease.expiresAt.getTime()));
    expect(lastSeenAt).toBeLessThanOrEqual(killedAt + LEASE_MS);

    const stored = await c.conversations.find({ _id: { $in: ids } }).toArray();
    const reassignedAfterMs = Math.max(...stored.map((doc) => doc.assignedAt!.getTime())) - killedAt;
    await annotate(`all 3 chats re-assigned ${reassignedAfterMs} ms after SIGKILL`, 'timing');
    expect(reassignedAfterMs).toBeLessThanOrEqual(LEASE_MS + GRACE_MS + SLACK_MS);

    for (const doc of stored) {
      expect(doc).toMatchObject({
        state: 'assigned',
        agentId: bob.id,
        round: 2,
        excludedAgentIds: [alice.id],
      });
      const events = await c.messages
        .find({ conversationId: doc._id, kind: 'event' })
        .sort({ seq: 1 })
        .toArray();
      expect(events.map((m) => m.event)).toMatchObject([
        { type: 'queued' },
        { type: 'assigned', agentId: alice.id },
        { type: 'requeued', agentId: alice.id, reason: 'agent-disconnected' },
        { type: 'assigned', agentId: bob.id },
      ]);
      // [RT8] Not before the grace period had passed since her last live lease.
      const requeuedAt = events.find((m) => m.event?.type === 'requeued')!.createdAt.getTime();
      expect(requeuedAt).toBeGreaterThanOrEqual(lastSeenAt + GRACE_MS);
    }

    // [RT3] Nobody above capacity: Bob holds exactly his three slots, Alice none.
    const slots = await c.agentSlots.find({}).toArray();
    expect(slots.filter((slot) => slot.agentId === alice.id)).toHaveLength(0);
    expect(
      slots
        .filter((slot) => slot.agentId === bob.id)
        .map((slot) => slot.conversationId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(slots.length).toBe(bob.capacity);

    // The visitors (on B) were told: the re-queue event message, then Bob as their agent.
    await expect
      .poll(() =>
        updates.map((seen, i) =>
          seen.some((u) => u.id === ids[i] && u.state === 'assigned' && u.agent?.id === bob.id),
        ),
      )
      .toEqual([true, true, true]);
    await expect
      .poll(() =>
        messages.map((seen, i) =>
          seen.some(
            (m) =>
              m.conversationId === ids[i] &&
              m.event?.type === 'requeued' &&
              m.event.agentId === alice.id &&
              m.event.reason === 'agent-disconnected',
          ),
        ),
      )
      .toEqual([true, true, true]);

    expect(await stop(b)).toBe(0);
  }, 60_000);
});
