import { randomUUID } from 'node:crypto';
import {
  type Ack,
  AGENT_NAMESPACE,
  type ErrorBody,
  PROTOCOL_VERSION,
  VISITOR_NAMESPACE,
} from '@hovor/protocol';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { RateLimitOptions } from '../src/limits/rate-limiter.js';
import { RATE_LIMITS } from '../src/limits/rate-limits.js';
import { relaxedRateLimits } from '../src/testing.js';
import {
  AGENT_PASSWORD,
  call,
  clientId,
  type Harness,
  SHOP_ORIGIN,
  startHarness,
} from './support/harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  vi.useRealTimers();
  // Second nodes first: the first one drops the database they share.
  for (const h of harnesses.splice(0).reverse()) await h.close();
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

/** A node whose limits are out of reach except `rules`. */
const startWith = (rules: RateLimitOptions['rules'], options: Parameters<typeof startHarness>[0] = {}) =>
  start({ ...options, rateLimits: relaxedRateLimits({ rules }) });

/**
 * Lets the time the limits count by jump ahead, as a wait would (the limiter reads `Date`). Keep
 * jumps under Socket.IO's heartbeat (45 s): the test's clients read the same `Date`.
 */
function controlDate(): { advance(ms: number): void } {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  return { advance: (ms) => vi.setSystemTime(Date.now() + ms) };
}

/** Connects a raw socket and resolves with the handshake error's data, or 'connected'. */
function handshake(
  h: Harness,
  namespace: string,
  options: { auth: Record<string, unknown>; headers?: Record<string, string> },
): Promise<unknown> {
  const socket: Socket = io(`${h.baseUrl}${namespace}`, {
    auth: options.auth,
    extraHeaders: options.headers ?? {},
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
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

const visitorAuth = (h: Harness, token: string) => ({
  v: PROTOCOL_VERSION,
  siteKey: h.site.key,
  token,
  hostOrigin: SHOP_ORIGIN,
});

/** An HTTP answer: its status, its Retry-After header, and its body. */
interface Answer {
  status: number;
  retryAfter: string | null;
  body: { ok: boolean; data?: { token: string }; error?: ErrorBody };
}

async function answerOf(response: Response): Promise<Answer> {
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Answer['body'],
  };
}

async function signInAttempt(
  h: Harness,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${h.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  return answerOf(response);
}

async function createVisitor(h: Harness, headers: Record<string, string> = {}) {
  const response = await fetch(`${h.baseUrl}/api/v1/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ siteKey: h.site.key, hostOrigin: SHOP_ORIGIN }),
  });
  return answerOf(response);
}

const send = (socket: Parameters<typeof call>[0], conversationId: string) =>
  call(socket, 'message:send', { conversationId, clientMsgId: clientId(), text: 'hello' });

const visitorMessages = (h: Harness, conversationId: string) =>
  h.c.messages.countDocuments({ conversationId, kind: 'text' });

describe('[A4] rate limits on commands', () => {
  it('[A4] a visitor flooding message:send is refused RATE_LIMITED with retryAfterMs past the limit, nothing past it is stored, and after the wait sends work again', async () => {
    // A window well inside Socket.IO's heartbeat: the test's clients read the same `Date`.
    const h = await startWith({ visitorMessages: { points: 3, perMs: 10_000 } });
    const { socket, conversation } = await h.startChat();
    const date = controlDate();
    const answers: Ack<{ clientMsgId: string }>[] = await Promise.all(
      Array.from({ length: 10 }, () => send(socket, conversation.id)),
    );
    const accepted = answers.filter((a) => a.ok);
    const refused = answers.flatMap((a) => (a.ok ? [] : [a.error]));
    expect(accepted).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const error of refused) {
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(10_000);
    }
    expect(await visitorMessages(h, conversation.id)).toBe(3);

    date.advance(Math.max(...refused.map((e) => e.retryAfterMs!)));
    expect((await send(socket, conversation.id)).ok).toBe(true);
    expect(await visitorMessages(h, conversation.id)).toBe(4);
  });

  it('[A4] malformed commands spend the limit too, so a flood of garbage is cut off as well, storing nothing', async () => {
    const h = await startWith({ visitorMessages: { points: 2, perMs: 60_000 } });
    const { socket, conversation } = await h.startChat();
    for (let i = 0; i < 2; i++) {
      const answer = await call(socket, 'message:send', { conversationId: conversation.id, text: 42 });
      expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await send(socket, conversation.id)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await visitorMessages(h, conversation.id)).toBe(0);
  });

  it('[A4] one visitor’s limit is theirs: another visitor still sends, and other commands have their own limits', async () => {
    const h = await startWith({ visitorMessages: { points: 1, perMs: 60_000 } });
    const first = await h.startChat();
    const second = await h.startChat();
    expect((await send(first.socket, first.conversation.id)).ok).toBe(true);
    expect(await send(first.socket, first.conversation.id)).toMatchObject({
      error: { code: 'RATE_LIMITED' },
    });
    expect((await send(second.socket, second.conversation.id)).ok).toBe(true);
    const typing = await call(first.socket, 'typing:set', {
      conversationId: first.conversation.id,
      isTyping: true,
    });
    expect(typing.ok).toBe(true);
  });

  it('[A4] agent commands are counted per console socket', async () => {
    const h = await startWith({ agentCommands: { points: 2, perMs: 60_000 } });
    const seeded = await h.seedAgent({ name: 'Alice' });
    const tab = await h.agent(seeded.email);
    const otherTab = await h.agent(seeded.email);
    expect((await call(tab, 'presence:activity', {})).ok).toBe(true);
    expect((await call(tab, 'conversations:list', { box: 'queue' })).ok).toBe(true);
    const refused = await call(tab, 'status:set', { status: 'online' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await h.c.agents.findOne({ _id: seeded.id })).toMatchObject({ status: 'offline' });
    expect((await call(otherTab, 'status:set', { status: 'online' })).ok).toBe(true);
  });
});

describe('[A4] rate limits on handshakes', () => {
  it('[A4] handshakes past the per-address limit are refused RATE_LIMITED with retryAfterMs, in both namespaces', async () => {
    const h = await startWith({ ipHandshakes: { points: 2, perMs: 60_000 } });
    const created = await createVisitor(h);
    const auth = visitorAuth(h, created.body.data!.token);
    expect(await handshake(h, VISITOR_NAMESPACE, { auth })).toBe('connected');
    expect(await handshake(h, VISITOR_NAMESPACE, { auth })).toBe('connected');
    const refused = await handshake(h, VISITOR_NAMESPACE, { auth });
    expect(refused).toMatchObject({ code: 'RATE_LIMITED' });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(await handshake(h, AGENT_NAMESPACE, { auth: { v: PROTOCOL_VERSION } })).toMatchObject({
      code: 'RATE_LIMITED',
    });
  });
});

describe('[A4] rate limits on sign-in', () => {
  it('[A4] 30 parallel wrong passwords for one account: 5 are checked, the rest refused RATE_LIMITED with Retry-After; the right password is refused during the lockout, another account is not', async () => {
    const h = await startWith({ accountLogins: RATE_LIMITS.accountLogins });
    const target = await h.seedAgent({ name: 'Target' });
    const bystander = await h.seedAgent({ name: 'Bystander' });
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => signInAttempt(h, target.email, 'wrong password!')),
    );
    expect(answers.filter((a) => a.status === 401)).toHaveLength(RATE_LIMITS.accountLogins.points);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(30 - RATE_LIMITS.accountLogins.points);
    for (const answer of limited) {
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect(Number(answer.retryAfter)).toBe(Math.ceil(answer.body.error!.retryAfterMs! / 1000));
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    const duringLockout = await signInAttempt(h, target.email.toUpperCase(), AGENT_PASSWORD);
    expect(duringLockout.status).toBe(429);
    expect(Number(duringLockout.retryAfter)).toBeGreaterThan(0);
    expect((await signInAttempt(h, bystander.email, AGENT_PASSWORD)).status).toBe(200);
  });

  it('[A4] an e-mail that has no account is answered exactly like one that has', async () => {
    const h = await startWith({ accountLogins: { points: 3, perMs: 60_000 } });
    const agent = await h.seedAgent({ name: 'Known' });
    const answersFor = async (email: string) => {
      const answers = [];
      for (let i = 0; i < 5; i++) {
        const { status, retryAfter, body } = await signInAttempt(h, email, 'wrong password!');
        answers.push({ status, retryAfter, code: body.error?.code, message: body.error?.message });
      }
      return answers;
    };
    const known = await answersFor(agent.email);
    const unknown = await answersFor(`nobody-${randomUUID().slice(0, 6)}@example.test`);
    expect(unknown).toEqual(known);
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 429, 429]);
  });

  it('[A4] sign-ins from one address are limited whatever the account', async () => {
    const h = await startWith({ ipLogins: { points: 3, perMs: 60_000 } });
    const agent = await h.seedAgent({ name: 'Alice' });
    for (let i = 0; i < 3; i++)
      expect((await signInAttempt(h, `x${i}@example.test`, 'wrong password!')).status).toBe(401);
    const refused = await signInAttempt(h, agent.email, AGENT_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('RATE_LIMITED');
  });

  it('[A4] past the cap on password checks running at once, a sign-in is refused RATE_LIMITED at once', async () => {
    const h = await start({ rateLimits: relaxedRateLimits({ maxConcurrentHashes: 1 }) });
    const agents = await Promise.all(
      Array.from({ length: 8 }, (_, i) => h.seedAgent({ name: `Agent ${i}` })),
    );
    const answers = await Promise.all(agents.map((a) => signInAttempt(h, a.email, AGENT_PASSWORD)));
    const busy = answers.filter((a) => a.status === 429);
    expect(answers.some((a) => a.status === 200)).toBe(true);
    expect(busy.length).toBeGreaterThan(0);
    for (const answer of busy) {
      expect(answer.body.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1_000 });
      expect(answer.retryAfter).toBe('1');
    }
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
  });
});

describe('[A4] rate limits on new visitors, and TRUST_PROXY', () => {
  it('[A4] visitors created from one address past the limit are refused with Retry-After and not stored', async () => {
    const h = await startWith({ ipVisitorCreations: { points: 3, perMs: 60_000 } });
    const before = await h.c.visitors.countDocuments();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await createVisitor(h));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]!.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(answers[3]!.retryAfter)).toBeGreaterThan(0);
    expect(await h.c.visitors.countDocuments()).toBe(before + 3);
  });

  it('[A4] with TRUST_PROXY off, a forged X-Forwarded-For does not change the address the limit counts', async () => {
    const h = await startWith({ ipVisitorCreations: { points: 2, perMs: 60_000 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await createVisitor(h, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('[A4] with TRUST_PROXY at one hop, the proxy’s X-Forwarded-For is the address counted, for REST and handshakes', async () => {
    const h = await startWith(
      { ipVisitorCreations: { points: 1, perMs: 60_000 }, ipHandshakes: { points: 1, perMs: 60_000 } },
      { trustProxy: 1 },
    );
    const first = await createVisitor(h, { 'x-forwarded-for': '203.0.113.1' });
    expect(first.status).toBe(200);
    expect((await createVisitor(h, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
    expect((await createVisitor(h, { 'x-forwarded-for': '198.51.100.9, 203.0.113.1' })).status).toBe(429);

    const auth = visitorAuth(h, first.body.data!.token);
    const from = (address: string) => ({ auth, headers: { 'x-forwarded-for': address } });
    expect(await handshake(h, VISITOR_NAMESPACE, from('203.0.113.1'))).toBe('connected');
    expect(await handshake(h, VISITOR_NAMESPACE, from('203.0.113.2'))).toBe('connected');
    expect(await handshake(h, VISITOR_NAMESPACE, from('203.0.113.1'))).toMatchObject({
      code: 'RATE_LIMITED',
    });
  });
});

describe('[A4] rate limits shared through Redis', () => {
  it('[A4] two nodes sharing Redis count one visitor’s messages against one limit', async () => {
    const client = createClient({ url: inject('redisUrl') });
    await client.connect();
    try {
      const shared: RateLimitOptions = {
        rules: { visitorMessages: { points: 3, perMs: 60_000 } },
        redis: { client, keyPrefix: `test-rl-${randomUUID()}` },
      };
      const a = await start({ rateLimits: relaxedRateLimits(shared) });
      const b = await start({ rateLimits: relaxedRateLimits(shared), shareDatabaseWith: a });
      const { socket, token, conversation } = await a.startChat();
      const onB = await b.visitorWithToken(token);
      expect((await send(socket, conversation.id)).ok).toBe(true);
      expect((await send(socket, conversation.id)).ok).toBe(true);
      expect((await send(onB, conversation.id)).ok).toBe(true);
      expect(await send(onB, conversation.id)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect(await send(socket, conversation.id)).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED' },
      });
      expect(await visitorMessages(a, conversation.id)).toBe(3);
    } finally {
      await client.close();
    }
  });
});
