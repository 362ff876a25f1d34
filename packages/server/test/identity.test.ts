import type { OpenConversationResult, VisitorConversation, VisitorSyncResult } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signIdentityToken } from '../src/visitors/identity.js';
import { call, clientId, type Harness, ok, SHOP_ORIGIN, startHarness } from './support/harness.js';

let h: Harness;
const SECRET = 'shop-identity-secret-for-tests-0123456789';
beforeEach(async () => {
  h = await startHarness();
  await h.hovor.repositories.sites.update(h.site.id, { $set: { identitySecret: SECRET } });
});
afterEach(async () => {
  await h.close();
});

const identity = (sub: string, extra: Record<string, unknown> = {}) =>
  signIdentityToken({ sub, exp: Math.floor(Date.now() / 1000) + 300, ...extra }, SECRET);

/** A browser of its own: a new anonymous visitor, then its socket with `identityToken`. */
async function device(identityToken?: string) {
  const anonymous = await h.visitor();
  anonymous.socket.disconnect();
  return h.visitorWithToken(anonymous.token, identityToken);
}

describe('identified visitors [P19]', () => {
  it('links a verified user’s chat across devices, and shows the agent who they are', async () => {
    const agent = await h.onlineAgent('Alice');
    const laptop = await device(identity('user-42', { name: 'Jana Nováková', email: 'jana@example.com' }));
    const started = await ok<VisitorConversation>(laptop, 'conversation:start', { requestId: clientId() });
    await ok(laptop, 'message:send', {
      conversationId: started.id,
      clientMsgId: clientId(),
      text: 'From my laptop',
    });

    // The same user on a phone (another browser, another anonymous token) sees the same chat.
    const phone = await device(identity('user-42'));
    const synced = await ok<VisitorSyncResult>(phone, 'conversation:sync', { afterSeq: 0 });
    expect(synced.conversation?.id).toBe(started.id);
    expect(synced.messages.map((m) => m.text)).toContain('From my laptop');

    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId: started.id,
      afterSeq: 0,
    });
    expect(opened.visitor).toMatchObject({
      userId: 'user-42',
      name: 'Jana Nováková',
      email: 'jana@example.com',
      isNameVerified: true,
      isEmailVerified: true,
    });
    expect(opened.conversation.visitorName).toBe('Jana Nováková');
  });

  it('keeps an anonymous visitor’s chat when they sign in, and gives another user of the same browser their own', async () => {
    const anonymous = await h.startChat();
    anonymous.socket.disconnect();
    const signedIn = await h.visitorWithToken(anonymous.token, identity('user-1'));
    const synced = await ok<VisitorSyncResult>(signedIn, 'conversation:sync', { afterSeq: 0 });
    expect(synced.conversation?.id).toBe(anonymous.conversation.id);

    // Someone else signs in on the same browser: not user-1's chat.
    const other = await h.visitorWithToken(anonymous.token, identity('user-2'));
    const theirs = await ok<VisitorSyncResult>(other, 'conversation:sync', { afterSeq: 0 });
    expect(theirs.conversation).toBeNull();
    expect(await h.c.visitorIdentities.countDocuments({})).toBe(2);
  });

  it('refuses a forged, expired or unsigned identity, and any identity on a site without a secret', async () => {
    const anonymous = await h.visitor();
    anonymous.socket.disconnect();
    const refusals = [
      signIdentityToken({ sub: 'user-42', exp: Math.floor(Date.now() / 1000) + 300 }, 'not-the-secret'),
      signIdentityToken({ sub: 'user-42', exp: Math.floor(Date.now() / 1000) - 3600 }, SECRET),
      signIdentityToken({ sub: 'user-42' }, SECRET),
    ];
    for (const token of refusals) {
      await expect(h.visitorWithToken(anonymous.token, token)).rejects.toMatchObject({
        data: { code: 'FORBIDDEN' },
      });
    }
    await h.hovor.repositories.sites.update(h.site.id, { $unset: { identitySecret: '' } });
    await expect(h.visitorWithToken(anonymous.token, identity('user-42'))).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
    });
    expect(await h.c.visitorIdentities.countDocuments({})).toBe(0);
  });
});

describe('what the site vouches for and what the visitor only claims [P19]', () => {
  it('[P19] labels a name or e-mail the visitor typed as unverified, even for a signed-in user', async () => {
    const agent = await h.onlineAgent('Alice');
    const laptop = await device(identity('user-5', { name: 'Jana', email: 'jana@example.com' }));
    // The offline form's name and e-mail are the visitor's word, not the site's.
    const left = await ok<VisitorConversation>(laptop, 'offline:leave', {
      requestId: clientId(),
      name: 'Ceo Of Shop',
      email: 'ceo@shop.test',
      text: 'Refund me',
    });
    await ok(agent.socket, 'conversation:reopen', { conversationId: left.id });
    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId: left.id,
      afterSeq: 0,
    });
    expect(opened.visitor).toMatchObject({
      userId: 'user-5',
      name: 'Ceo Of Shop',
      isNameVerified: false,
      email: 'ceo@shop.test',
      isEmailVerified: false,
    });
  });
});

describe('identity settings of the site [P19]', () => {
  it('[P19] refuses every identity while the site’s secret is shorter than 32 characters', async () => {
    await h.hovor.repositories.sites.update(h.site.id, { $set: { identitySecret: 'short-secret' } });
    const anonymous = await h.visitor();
    anonymous.socket.disconnect();
    const token = signIdentityToken(
      { sub: 'user-42', exp: Math.floor(Date.now() / 1000) + 300 },
      'short-secret',
    );
    await expect(h.visitorWithToken(anonymous.token, token)).rejects.toMatchObject({
      data: { code: 'FORBIDDEN', message: expect.stringContaining('shorter than 32 characters') },
    });
    expect(await h.c.visitorIdentities.countDocuments({})).toBe(0);
  });

  it('[P19] requires the aud and iss the site sets', async () => {
    await h.hovor.repositories.sites.update(h.site.id, {
      $set: { identityAudience: 'hovor-chat', identityIssuer: 'https://shop.test' },
    });
    const anonymous = await h.visitor();
    anonymous.socket.disconnect();
    const exp = Math.floor(Date.now() / 1000) + 300;
    await expect(
      h.visitorWithToken(anonymous.token, signIdentityToken({ sub: 'user-42', exp }, SECRET)),
    ).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    const good = signIdentityToken(
      { sub: 'user-42', exp, aud: 'hovor-chat', iss: 'https://shop.test' },
      SECRET,
    );
    expect((await h.visitorWithToken(anonymous.token, good)).connected).toBe(true);
  });
});

describe('visitor attributes [P19]', () => {
  it('merges the page’s attributes, removes a key set to null, and shows them to the agent', async () => {
    const agent = await h.onlineAgent('Alice');
    const visitor = await h.startChat();
    await ok(visitor.socket, 'visitor:attributes', { attributes: { plan: 'pro', seats: 12, trial: false } });
    // A key with a dot is fine too (stored as a pair: no stored key may hold a dot).
    await ok(visitor.socket, 'visitor:attributes', {
      attributes: { trial: null, orderId: '<b>1042</b>', 'plan.tier': 'gold' },
    });
    await ok(visitor.socket, 'visitor:attributes', { attributes: { 'plan.tier': null } });
    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId: visitor.conversation.id,
      afterSeq: 0,
    });
    expect(opened.visitor.attributes).toEqual({ plan: 'pro', seats: 12, orderId: '<b>1042</b>' });
    expect(opened.visitor).toMatchObject({ userId: null, isNameVerified: false, isEmailVerified: false });
  });

  it('[P4] refuses nested values, bad keys, long values and more than 20 attributes, changing nothing', async () => {
    const visitor = await h.visitor();
    await ok(visitor.socket, 'visitor:attributes', { attributes: { plan: 'pro' } });
    const bad = [
      { nested: { a: 1 } },
      { list: [1, 2] },
      { 'bad key': 1 },
      { $where: 1 },
      { long: 'x'.repeat(201) },
      Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
    ];
    for (const attributes of bad) {
      expect(await call(visitor.socket, 'visitor:attributes', { attributes })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    // 19 new keys fit one call but not beside the one held: refused as a whole.
    const nineteen = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    expect(await call(visitor.socket, 'visitor:attributes', { attributes: nineteen })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect((await h.c.visitorAttributes.findOne({ _id: visitor.visitorId }))?.entries).toEqual([
      { key: 'plan', value: 'pro' },
    ]);
  });
});

describe('reset [P19]', () => {
  it('makes a new anonymous visitor even when the browser’s cookie names the old one', async () => {
    const first = await fetch(`${h.baseUrl}/api/v1/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: h.site.key, hostOrigin: SHOP_ORIGIN }),
    });
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const created = (await first.json()) as { data: { visitorId: string } };
    const again = async (fresh?: boolean) => {
      const res = await fetch(`${h.baseUrl}/api/v1/visitors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ siteKey: h.site.key, hostOrigin: SHOP_ORIGIN, fresh }),
      });
      return ((await res.json()) as { data: { visitorId: string } }).data.visitorId;
    };
    expect(await again()).toBe(created.data.visitorId);
    expect(await again(true)).not.toBe(created.data.visitorId);
  });
});
