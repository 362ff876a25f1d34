import type {
  OpenConversationResult,
  VisitorBlock,
  VisitorConversation,
  VisitorUnblocked,
} from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signIdentityToken } from '../src/visitors/identity.js';
import {
  call,
  clientId,
  type Harness,
  manualClock,
  next,
  ok,
  startHarness,
  type VisitorSocket,
} from './support/harness.js';

let h: Harness;
const clock = manualClock();
const SECRET = 'shop-identity-secret-for-tests-0123456789';
beforeEach(async () => {
  h = await startHarness({ clock });
});
afterEach(async () => {
  await h.close();
});

const REASON = 'Insults the agent in every message';
/** What a blocked visitor's handshake, start or left message is answered: neutral, no word of a block. */
const UNAVAILABLE = { code: 'FORBIDDEN', message: 'Chat is not available', isChatUnavailable: true };

/** A visitor chatting with an online agent. */
async function chatting() {
  const agent = await h.onlineAgent('Alice');
  const visitor = await h.startChat();
  expect(visitor.conversation.agent?.id).toBe(agent.id);
  return { agent, visitor };
}

/** The refusal a handshake of `token` (and `identity`) meets; throws if it connects. */
async function handshakeRefusal(token: string, identity?: string): Promise<unknown> {
  const socket = await h.visitorWithToken(token, identity).catch((error: { data?: unknown }) => error);
  if ('connected' in (socket as object)) throw new Error('the handshake was accepted');
  return (socket as { data?: unknown }).data;
}

/** What blocking may change: blocks, conversations, the audit log. */
async function stored() {
  const [blocks, conversations, audit] = await Promise.all([
    h.c.visitorBlocks.find({}).toArray(),
    h.c.conversations.find({}).sort({ _id: 1 }).toArray(),
    h.c.auditLog.countDocuments({}),
  ]);
  return JSON.stringify({ blocks, conversations, audit });
}

describe('blocking a visitor [P26]', () => {
  it('[P26] blocks with a reason: the visitor’s socket ends, the chat closes, the audit log says who and why', async () => {
    const { agent, visitor } = await chatting();
    const conversationId = visitor.conversation.id;

    // No reason, a blank one, a too long one, an unknown key: refused, and nothing changes.
    const before = await stored();
    for (const bad of [
      { conversationId },
      { conversationId, reason: '   ' },
      { conversationId, reason: 'x'.repeat(501) },
      { conversationId, reason: REASON, visitorId: visitor.visitorId },
    ]) {
      expect(await call(agent.socket, 'visitor:block', bad)).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    expect(await stored()).toBe(before);
    expect(visitor.socket.connected).toBe(true);

    const ended = next<string>(visitor.socket, 'disconnect');
    const announced = next<VisitorBlock>(agent.socket, 'visitor:blocked');
    const block = await ok<VisitorBlock>(agent.socket, 'visitor:block', {
      conversationId,
      reason: `  ${REASON} `,
    });
    expect(block).toEqual({
      id: `${h.site.id}:${visitor.visitorId}`,
      siteId: h.site.id,
      visitorId: visitor.visitorId,
      visitorName: expect.any(String),
      userId: null,
      reason: REASON,
      blockedBy: { id: agent.id, name: 'Alice' },
      blockedAt: clock.now().toISOString(),
      conversationId,
    });
    expect(await ended).toBe('io server disconnect');
    expect(await announced).toEqual(block);
    expect(await h.c.conversations.findOne({ _id: conversationId })).toMatchObject({ state: 'closed' });
    const audit = await h.c.auditLog.find({ action: 'visitor.blocked' }).toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: agent.id,
      siteId: h.site.id,
      targetId: visitor.visitorId,
      details: { reason: REASON, conversationId },
    });

    // The visitor cannot come back with their token; the refusal does not say why.
    expect(await handshakeRefusal(visitor.token)).toEqual(UNAVAILABLE);
    // Agents who open the conversation see the block.
    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId,
      afterSeq: 0,
    });
    expect(opened.block).toEqual(block);
    expect(opened.conversation.state).toBe('closed');
  });

  it('[P26] answers a second block with the first, and closes the visitor’s open chat when blocked from an old one', async () => {
    const { agent, visitor } = await chatting();
    await ok(agent.socket, 'conversation:close', { conversationId: visitor.conversation.id });
    const again = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });

    const first = await ok<VisitorBlock>(agent.socket, 'visitor:block', {
      conversationId: visitor.conversation.id,
      reason: REASON,
    });
    expect(await h.c.conversations.findOne({ _id: again.id })).toMatchObject({ state: 'closed' });

    const supervisor = await h.seedAgent({ name: 'Sam', role: 'supervisor' });
    const samSocket = await h.agent(supervisor.email);
    const second = await ok<VisitorBlock>(samSocket, 'visitor:block', {
      conversationId: again.id,
      reason: 'Another reason',
    });
    expect(second).toEqual(first);
    expect(await h.c.visitorBlocks.countDocuments({})).toBe(1);
    expect(await h.c.auditLog.countDocuments({ action: 'visitor.blocked' })).toBe(1);
  });

  it('[A2][P26] lets only an agent who may read the conversation block its visitor', async () => {
    const { visitor } = await chatting();
    const colleague = await h.onlineAgent('Bob');
    const before = await stored();
    // Alice's open chat is not Bob's to read: it does not exist for him.
    expect(
      await call(colleague.socket, 'visitor:block', {
        conversationId: visitor.conversation.id,
        reason: REASON,
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await stored()).toBe(before);
    expect(visitor.socket.connected).toBe(true);
  });

  it('[P26] refuses a start and a left message on a socket that connected before the block, then ends it', async () => {
    const visitor = await h.visitor();
    const second = await h.visitorWithToken(visitor.token);
    // As if the block's disconnect had missed this node (no adapter between the nodes).
    await h.c.visitorBlocks.insertOne({
      _id: `${h.site.id}:${visitor.visitorId}`,
      siteId: h.site.id,
      visitorId: visitor.visitorId,
      visitorName: 'Amber visitor 1234',
      userId: null,
      reason: REASON,
      blockedBy: { id: 'a'.repeat(24), name: 'Alice' },
      at: clock.now(),
      conversationId: 'b'.repeat(24),
    });

    const ended = next<string>(visitor.socket, 'disconnect');
    expect(await call(visitor.socket, 'conversation:start', { requestId: clientId() })).toEqual({
      ok: false,
      error: UNAVAILABLE,
    });
    expect(await ended).toBe('io server disconnect');
    const left = await call(second, 'offline:leave', {
      requestId: clientId(),
      name: 'Jo',
      email: 'jo@example.test',
      text: 'Call me',
    });
    expect(left).toEqual({ ok: false, error: UNAVAILABLE });
    expect(await h.c.conversations.countDocuments({})).toBe(0);
  });

  it('[P19][P26] keeps a verified user blocked when they sign in on another device', async () => {
    await h.hovor.repositories.sites.update(h.site.id, { $set: { identitySecret: SECRET } });
    const exp = Math.floor(clock.now().getTime() / 1000) + 300;
    const identity = signIdentityToken({ sub: 'user-7', exp }, SECRET);
    const agent = await h.onlineAgent('Alice');
    const laptop = await h.visitor();
    laptop.socket.disconnect();
    const signedIn = await h.visitorWithToken(laptop.token, identity);
    const conversation = await ok<VisitorConversation>(signedIn, 'conversation:start', {
      requestId: clientId(),
    });
    const block = await ok<VisitorBlock>(agent.socket, 'visitor:block', {
      conversationId: conversation.id,
      reason: REASON,
    });
    expect(block.userId).toBe('user-7');

    // Another browser: another anonymous token, the same user.
    const phone = await h.visitor();
    phone.socket.disconnect();
    expect(await handshakeRefusal(phone.token, identity)).toEqual(UNAVAILABLE);
    // The phone's own anonymous visitor was never blocked: a fresh browser is out of a block's reach.
    expect((await h.visitorWithToken(phone.token)).connected).toBe(true);
  });
});

describe('listing and lifting blocks [P26]', () => {
  /** A blocked visitor of the test site, with the agent who blocked them. */
  async function blocked() {
    const { agent, visitor } = await chatting();
    const block = await ok<VisitorBlock>(agent.socket, 'visitor:block', {
      conversationId: visitor.conversation.id,
      reason: REASON,
    });
    return { agent, visitor, block };
  }

  async function otherSiteSupervisor() {
    const other = await h.hovor.repositories.sites.create(
      {
        key: 'other-site',
        name: 'Other',
        allowedOrigins: ['http://other.test'],
        color: '#654321',
        greeting: 'Hi',
      },
      new Date(),
    );
    const seeded = await h.seedAgent({ name: 'Olga', role: 'supervisor', siteIds: [other.id] });
    return h.agent(seeded.email);
  }

  it('[A1][P26] refuses an agent and a supervisor of another site, and changes nothing', async () => {
    const { agent, visitor, block } = await blocked();
    const olga = await otherSiteSupervisor();
    const before = await stored();

    for (const input of [{}, { siteId: h.site.id }]) {
      expect(await call(agent.socket, 'blocks:list', input)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(await call(agent.socket, 'visitor:unblock', { blockId: block.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // Another site's supervisor sees none of this site's blocks and cannot lift them.
    expect(await ok(olga, 'blocks:list', {})).toEqual({ items: [] });
    expect(await call(olga, 'blocks:list', { siteId: h.site.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    for (const input of [{ blockId: block.id }, { visitorId: visitor.visitorId }]) {
      expect(await call(olga, 'visitor:unblock', input)).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    }
    expect(await stored()).toBe(before);
    expect(await handshakeRefusal(visitor.token)).toEqual(UNAVAILABLE);
  });

  it('[P26] lets the supervisor list the block and lift it, after which the visitor chats again', async () => {
    const { agent, visitor, block } = await blocked();
    const supervisor = await h.seedAgent({ name: 'Sam', role: 'supervisor' });
    const sam = await h.agent(supervisor.email);

    // Bad input is refused and changes nothing.
    const before = await stored();
    for (const [command, input] of [
      ['blocks:list', { limit: 0 }],
      ['blocks:list', { limit: 101 }],
      ['blocks:list', { siteId: 'not-an-id' }],
      ['visitor:unblock', {}],
      ['visitor:unblock', { blockId: 'not-a-block' }],
      ['visitor:unblock', { blockId: block.id, visitorId: visitor.visitorId }],
    ] as const) {
      expect(await call(sam, command, input)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await stored()).toBe(before);

    expect(await ok(sam, 'blocks:list', {})).toEqual({ items: [block] });
    expect(await ok(sam, 'blocks:list', { siteId: h.site.id })).toEqual({ items: [block] });

    const announced = next<VisitorUnblocked>(agent.socket, 'visitor:unblocked');
    expect(await ok(sam, 'visitor:unblock', { blockId: block.id })).toBeNull();
    expect(await announced).toEqual({ id: block.id, siteId: h.site.id, visitorId: visitor.visitorId });
    // Lifting it again (a retry) answers the same and records nothing more.
    expect(await ok(sam, 'visitor:unblock', { visitorId: visitor.visitorId })).toBeNull();
    expect(await ok(sam, 'blocks:list', {})).toEqual({ items: [] });
    const audit = await h.c.auditLog.find({ action: 'visitor.unblocked' }).toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: supervisor.id, targetId: visitor.visitorId });

    const back: VisitorSocket = await h.visitorWithToken(visitor.token);
    const conversation = await ok<VisitorConversation>(back, 'conversation:start', { requestId: clientId() });
    expect(conversation.id).not.toBe(visitor.conversation.id);
    expect(conversation.agent?.id).toBe(agent.id);
  });

  it('[P26] lists the newest blocks first, a page at a time', async () => {
    const agent = await h.onlineAgent('Alice', { capacity: 10 });
    const admin = await h.agent((await h.seedAgent({ name: 'Ada', role: 'admin' })).email);
    const blocks: VisitorBlock[] = [];
    for (let i = 0; i < 3; i++) {
      const visitor = await h.startChat();
      blocks.push(
        await ok<VisitorBlock>(agent.socket, 'visitor:block', {
          conversationId: visitor.conversation.id,
          reason: `${REASON} (${i})`,
        }),
      );
      clock.advance(1_000);
    }
    const newestFirst = [...blocks].reverse();
    const first = await ok<{ items: VisitorBlock[] }>(admin, 'blocks:list', { limit: 2 });
    expect(first.items).toEqual(newestFirst.slice(0, 2));
    const rest = await ok<{ items: VisitorBlock[] }>(admin, 'blocks:list', {
      limit: 2,
      before: first.items.at(-1)!.blockedAt,
    });
    expect(rest.items).toEqual(newestFirst.slice(2));
  });
});
