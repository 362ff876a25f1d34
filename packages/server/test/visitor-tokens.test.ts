import type { Message, VisitorConversation, VisitorSyncResult } from '@hovor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/tokens.js';
import { signIdentityToken } from '../src/visitors/identity.js';
import {
  call,
  clientId,
  collect,
  type Harness,
  manualClock,
  ok,
  SHOP_ORIGIN,
  startHarness,
} from './support/harness.js';

const SECRET = 'shop-identity-secret-for-tests-0123456789';
const DAY_MS = 24 * 3_600_000;

let h: Harness;
async function start(options: Parameters<typeof startHarness>[0] = {}) {
  h = await startHarness(options);
  await h.hovor.repositories.sites.update(h.site.id, { $set: { identitySecret: SECRET } });
}
afterEach(async () => {
  await h.close();
});

const identity = (sub: string) =>
  signIdentityToken({ sub, exp: Math.floor(Date.now() / 1000) + 300 }, SECRET);

/** POST /visitors as the chat frame does, with the frame's cookie; the visitor id it answers. */
async function frameVisitor(cookie: string): Promise<string> {
  const res = await fetch(`${h.baseUrl}/api/v1/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ siteKey: h.site.key, hostOrigin: SHOP_ORIGIN }),
  });
  return ((await res.json()) as { data: { visitorId: string } }).data.visitorId;
}

describe('[P24] a bare visitor token never opens a signed-in user’s chats', () => {
  it('[P24][P19] moves only the open chat to the user; the anonymous token keeps only what was anonymous', async () => {
    await start();
    const agent = await h.onlineAgent('Alice');
    const browser = await h.visitor();
    // An earlier anonymous chat, closed, then the chat going on when the user signs in.
    const earlier = await ok<VisitorConversation>(browser.socket, 'conversation:start', {
      requestId: clientId(),
    });
    await ok(agent.socket, 'conversation:close', { conversationId: earlier.id });
    const current = await ok<VisitorConversation>(browser.socket, 'conversation:start', {
      requestId: clientId(),
    });
    await ok(browser.socket, 'message:send', {
      conversationId: current.id,
      clientMsgId: clientId(),
      text: 'hi',
    });
    browser.socket.disconnect();

    const signedIn = await h.visitorWithToken(browser.token, identity('user-7'));
    const synced = await ok<VisitorSyncResult>(signedIn, 'conversation:sync', { afterSeq: 0 });
    expect(synced.conversation?.id).toBe(current.id);
    const userVisitor = (await h.c.conversations.findOne({ _id: current.id }))!.visitorId;
    expect(userVisitor).not.toBe(browser.visitorId);
    expect((await h.c.visitors.findOne({ _id: userVisitor }))?.userId).toBe('user-7');
    // The user's visitor has a token of its own that nobody was given.
    expect((await h.c.visitors.findOne({ _id: userVisitor }))?.tokenHash).not.toBe(hashToken(browser.token));
    expect((await h.c.conversations.findOne({ _id: earlier.id }))?.visitorId).toBe(browser.visitorId);

    // Whoever copied the anonymous token before: connected without an identity, nothing of the user's.
    const copied = await h.visitorWithToken(browser.token);
    const seen = collect<Message>(copied, 'message:created');
    expect(await ok<VisitorSyncResult>(copied, 'conversation:sync', { afterSeq: 0 })).toMatchObject({
      conversation: null,
    });
    for (const command of ['conversation:sync', 'message:send']) {
      const answer = await call(copied, command, {
        conversationId: current.id,
        afterSeq: 0,
        clientMsgId: clientId(),
        text: 'let me in',
      });
      expect(answer, command).toMatchObject({ ok: false });
    }
    // A reply to the user reaches the user's sockets, not the copied token's.
    const userSeen = collect<Message>(signedIn, 'message:created');
    await ok(agent.socket, 'message:send', {
      conversationId: current.id,
      clientMsgId: clientId(),
      text: 'secret',
    });
    await expect.poll(() => userSeen.length).toBe(1);
    expect(seen).toHaveLength(0);
    // Starting a chat with the copied token makes an anonymous one of its own.
    const own = await ok<VisitorConversation>(copied, 'conversation:start', { requestId: clientId() });
    expect(own.id).not.toBe(current.id);
  });

  it('[P24] refuses a bare token of a visitor linked to a user, and the frame gets a fresh anonymous visitor', async () => {
    await start();
    const linked = await h.visitor();
    linked.socket.disconnect();
    // A visitor linked to a user before [P24] (the browser's visitor itself became the user).
    await h.c.visitors.updateOne({ _id: linked.visitorId }, { $set: { userId: 'user-9' } });
    await h.c.visitorIdentities.insertOne({
      _id: `${h.site.id}:user-9`,
      visitorId: linked.visitorId,
      createdAt: new Date(),
    });
    await expect(h.visitorWithToken(linked.token)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    expect(await frameVisitor(`hovor_visitor_${h.site.key}=${linked.token}`)).not.toBe(linked.visitorId);
    // With the user's identity token it still opens.
    const withIdentity = await h.visitorWithToken(linked.token, identity('user-9'));
    expect(withIdentity.connected).toBe(true);
  });
});

describe('[P24] visitor tokens expire when unused', () => {
  it('[P24] keeps a token alive while it is used, and refuses it after 90 days unused', async () => {
    const clock = manualClock();
    await start({ clock });
    const visitor = await h.visitor();
    visitor.socket.disconnect();
    const cookie = `hovor_visitor_${h.site.key}=${visitor.token}`;

    // Used every 80 days, the token lives on past its first 90.
    for (let visit = 0; visit < 3; visit++) {
      clock.advance(80 * DAY_MS);
      (await h.visitorWithToken(visitor.token)).disconnect();
    }
    expect(await frameVisitor(cookie)).toBe(visitor.visitorId);

    clock.advance(91 * DAY_MS);
    await expect(h.visitorWithToken(visitor.token)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    // The frame's cookie no longer resumes it either: a new anonymous visitor.
    expect(await frameVisitor(cookie)).not.toBe(visitor.visitorId);
  });
});
