import { type Message, PROTOCOL_VERSION, type VisitorConversation } from '@hovor/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENT_PASSWORD,
  call,
  clientId,
  type Harness,
  ok,
  SHOP_ORIGIN,
  startHarness,
} from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Connects a raw socket and resolves with the handshake error's data, or 'connected'. */
function handshake(namespace: string, options: Parameters<typeof io>[1]): Promise<unknown> {
  const socket: Socket = io(`${h.baseUrl}${namespace}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...options,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.disconnect();
      resolve(error.data);
    });
  });
}

async function assignedChat() {
  const seeded = await h.seedAgent({ name: 'Alice' });
  const agent = await h.agent(seeded.email);
  await ok(agent, 'status:set', { status: 'online' });
  const visitor = await h.visitor();
  const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
    requestId: clientId(),
  });
  return { agent, visitor, conversation };
}

const messageCount = () => h.c.messages.countDocuments({ kind: 'text' });

describe('visitor isolation', () => {
  it('[P10] a visitor cannot read or write another visitor’s conversation', async () => {
    const { conversation } = await assignedChat();
    const intruder = await h.visitor();
    const read = await call(intruder.socket, 'conversation:sync', {
      conversationId: conversation.id,
      afterSeq: 0,
    });
    expect(read).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const write = await call(intruder.socket, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: clientId(),
      text: 'hi',
    });
    expect(write).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const typing = await call(intruder.socket, 'typing:set', {
      conversationId: conversation.id,
      isTyping: true,
    });
    expect(typing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await messageCount()).toBe(0);
  });

  it('[P2] rejects a visitor token that does not exist', async () => {
    const data = await handshake('/visitor', {
      auth: { v: PROTOCOL_VERSION, siteKey: h.site.key, token: 'x'.repeat(43), hostOrigin: SHOP_ORIGIN },
    });
    expect(data).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('[P2] gives no chat to a page on an origin the site does not allow', async () => {
    const visitor = await h.visitor();
    const data = await handshake('/visitor', {
      auth: {
        v: PROTOCOL_VERSION,
        siteKey: h.site.key,
        token: visitor.token,
        hostOrigin: 'http://evil.test',
      },
    });
    expect(data).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    const created = await fetch(`${h.baseUrl}/api/v1/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: h.site.key, hostOrigin: 'http://evil.test' }),
    });
    expect(created.status).toBe(403);
    expect(await created.json()).toMatchObject({ ok: false, error: { code: 'ORIGIN_NOT_ALLOWED' } });
  });

  it('[P2] rejects a browser connection whose Origin is neither Hovor nor the allowed page', async () => {
    const visitor = await h.visitor();
    const data = await handshake('/visitor', {
      auth: { v: PROTOCOL_VERSION, siteKey: h.site.key, token: visitor.token, hostOrigin: SHOP_ORIGIN },
      extraHeaders: { origin: 'http://evil.test' },
    });
    expect(data).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
  });

  it('[P1] answers a client with an older protocol version with CLIENT_TOO_OLD', async () => {
    const visitor = await h.visitor();
    const data = await handshake('/visitor', {
      auth: { v: PROTOCOL_VERSION - 1, siteKey: h.site.key, token: visitor.token, hostOrigin: SHOP_ORIGIN },
    });
    expect(data).toMatchObject({ code: 'CLIENT_TOO_OLD' });
  });
});

describe('agent namespace', () => {
  it('[P2] refuses a socket without a session', async () => {
    expect(await handshake('/agent', { auth: { v: PROTOCOL_VERSION } })).toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('[P2] refuses a socket with a forged session cookie', async () => {
    const data = await handshake('/agent', {
      auth: { v: PROTOCOL_VERSION },
      extraHeaders: { cookie: 'hovor_session=forged' },
    });
    expect(data).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('[P2] refuses a signed-in socket from a foreign origin', async () => {
    const seeded = await h.seedAgent({ name: 'Bob' });
    const login = await fetch(`${h.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: seeded.email, password: AGENT_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const data = await handshake('/agent', {
      auth: { v: PROTOCOL_VERSION },
      extraHeaders: { cookie, origin: 'http://evil.test' },
    });
    expect(data).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
  });

  it('[P10][A2] hides a colleague’s open chat from an agent, and lets a supervisor see it but not reply', async () => {
    const { conversation } = await assignedChat();
    const other = await h.seedAgent({ name: 'Mallory' });
    const socket = await h.agent(other.email);
    for (const [command, input] of [
      ['conversation:open', { conversationId: conversation.id, afterSeq: 0 }],
      ['message:send', { conversationId: conversation.id, clientMsgId: clientId(), text: 'hi' }],
      ['conversation:close', { conversationId: conversation.id }],
      ['note:add', { conversationId: conversation.id, clientMsgId: clientId(), text: 'psst' }],
    ] as const) {
      expect(await call(socket, command, input), command).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    }
    const supervisor = await h.agent((await h.seedAgent({ name: 'Sue', role: 'supervisor' })).email);
    await ok(supervisor, 'conversation:open', { conversationId: conversation.id, afterSeq: 0 });
    const reply = await call(supervisor, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: clientId(),
      text: 'hi',
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await messageCount()).toBe(0);
  });

  it('[P10] does not show an agent the conversations of a site they do not belong to', async () => {
    const { conversation } = await assignedChat();
    const outsider = await h.seedAgent({ name: 'Outsider', siteIds: ['0'.repeat(24)] });
    const socket = await h.agent(outsider.email);
    const open = await call(socket, 'conversation:open', { conversationId: conversation.id, afterSeq: 0 });
    expect(open).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const queue = await ok(socket, 'conversations:list', { box: 'queue' });
    expect(queue.items).toEqual([]);
  });
});

describe('malformed input', () => {
  const bad: Array<[string, unknown]> = [
    ['a missing text', { clientMsgId: 'abcdefgh' }],
    ['an unknown key', { clientMsgId: 'abcdefgh', text: 'hi', admin: true }],
    ['an operator object as id', { clientMsgId: { $ne: null }, text: 'hi' }],
    ['a number as text', { clientMsgId: 'abcdefgh', text: 42 }],
    ['oversized text', { clientMsgId: 'abcdefgh', text: 'x'.repeat(5_000) }],
    ['a 100 KB text', { clientMsgId: 'abcdefgh', text: 'x'.repeat(100_000) }],
  ];

  it.each(bad)(
    '[P4] answers message:send with %s with BAD_REQUEST and stores nothing',
    async (_name, input) => {
      const { visitor, conversation } = await assignedChat();
      const ack = await call(visitor.socket, 'message:send', {
        conversationId: conversation.id,
        ...(input as object),
      });
      expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect(await messageCount()).toBe(0);
      // The connection survives bad input.
      expect(
        (
          await ok<Message>(visitor.socket, 'message:send', {
            conversationId: conversation.id,
            clientMsgId: clientId(),
            text: 'ok',
          })
        ).text,
      ).toBe('ok');
    },
  );

  it('[P3][P4] answers a non-object input and an unknown command with BAD_REQUEST', async () => {
    const { visitor, agent } = await assignedChat();
    expect(await call(visitor.socket, 'message:send', 'hello')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await call(visitor.socket, 'conversation:delete', {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await call(agent, 'status:set', { status: 'busy' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await h.c.agents.countDocuments({ status: 'online' })).toBe(1);
  });

  it('[P4] closes a connection whose handshake nests deeper than the limit, or is too large, before parsing it', async () => {
    let nested: unknown = 'x';
    for (let i = 0; i < 500; i++) nested = [nested];
    for (const auth of [
      { v: 1, deep: nested },
      { v: 1, token: 'x'.repeat(20_000) },
    ]) {
      const socket: Socket = io(`${h.baseUrl}/visitor`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: auth as Record<string, unknown>,
      });
      // Cut by the server at the transport ('transport close'), before any handshake handler could
      // parse and answer it (a handler's refusal makes the client close it: 'forced close').
      const outcome = await new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'));
        socket.io.engine?.once('close', (reason) => resolve(reason));
      });
      socket.disconnect();
      expect(outcome).toBe('transport close');
    }
    // The server goes on serving.
    const visitor = await h.visitor();
    expect(visitor.socket.connected).toBe(true);
  });

  it('[P4] closes the connection on a frame above the size limit, changing nothing', async () => {
    const { visitor, conversation } = await assignedChat();
    const closed = new Promise((resolve) => visitor.socket.once('disconnect', resolve));
    visitor.socket.emit(
      'message:send',
      { conversationId: conversation.id, clientMsgId: clientId(), text: 'x'.repeat(400_000) },
      () => {},
    );
    await closed;
    expect(await messageCount()).toBe(0);
  });
});

describe('REST', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${h.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('rejects a wrong password with UNAUTHORIZED and sets no cookie', async () => {
    const seeded = await h.seedAgent({ name: 'Alice' });
    const response = await post(
      '/api/v1/auth/login',
      JSON.stringify({ email: seeded.email, password: 'wrong' }),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('sets an HttpOnly SameSite=Strict session cookie on sign-in', async () => {
    const seeded = await h.seedAgent({ name: 'Alice' });
    const response = await post(
      '/api/v1/auth/login',
      JSON.stringify({ email: seeded.email, password: AGENT_PASSWORD }),
    );
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const stored = await h.c.sessions.find({}).toArray();
    expect(stored).toHaveLength(1);
    expect(cookie).not.toContain(stored[0]!._id);
  });

  it.each([
    ['malformed JSON', '{"email":'],
    ['a missing password', JSON.stringify({ email: 'a@b.test' })],
    ['an operator object', JSON.stringify({ email: { $gt: '' }, password: 'x' })],
    ['an oversized body', JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(20_000) })],
  ])('answers a sign-in with %s with BAD_REQUEST', async (_name, body) => {
    const response = await post('/api/v1/auth/login', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await h.c.sessions.countDocuments({})).toBe(0);
  });

  it('refuses a cross-site sign-in attempt', async () => {
    const seeded = await h.seedAgent({ name: 'Alice' });
    const response = await post(
      '/api/v1/auth/login',
      JSON.stringify({ email: seeded.email, password: AGENT_PASSWORD }),
      {
        origin: 'http://evil.test',
      },
    );
    expect(response.status).toBe(403);
  });

  it('serves the widget config only to allowed origins, with CORS', async () => {
    const url = `${h.baseUrl}/api/v1/sites/${h.site.key}/widget-config`;
    const allowed = await fetch(url, { headers: { origin: SHOP_ORIGIN } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    const denied = await fetch(url, { headers: { origin: 'http://evil.test' } });
    expect(denied.status).toBe(403);
    // Readable, so the loader can tell the site owner exactly what to fix.
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://evil.test');
    expect(await denied.json()).toMatchObject({ ok: false, error: { code: 'ORIGIN_NOT_ALLOWED' } });
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true });
  });

  it('answers an unknown API route with NOT_FOUND', async () => {
    const response = await fetch(`${h.baseUrl}/api/v1/nothing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('visitor identity', () => {
  const create = (cookie?: string) =>
    fetch(`${h.baseUrl}/api/v1/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ siteKey: h.site.key, hostOrigin: SHOP_ORIGIN }),
    });

  it('resumes the visitor of the frame’s partitioned cookie when the frame’s storage is blocked', async () => {
    const first = await create();
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Partitioned/i);
    expect(setCookie).toMatch(/SameSite=None/i);
    const firstBody = (await first.json()) as { data: { visitorId: string } };
    const second = await create(setCookie.split(';')[0]!);
    const secondBody = (await second.json()) as { data: { visitorId: string } };
    expect(secondBody.data.visitorId).toBe(firstBody.data.visitorId);
    expect(await h.c.visitors.countDocuments({})).toBe(1);
  });

  it('creates a new visitor for an unknown cookie token', async () => {
    const response = await create(`hovor_visitor_${h.site.key}=${'z'.repeat(43)}`);
    expect(response.status).toBe(200);
    const stored = await h.c.visitors.find({}).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).not.toContain('z');
  });

  it('stores only a hash of the visitor token', async () => {
    const { token } = await h.visitor();
    const stored = await h.c.visitors.find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain(token);
  });
});
