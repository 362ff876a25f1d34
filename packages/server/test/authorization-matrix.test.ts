import {
  type Ack,
  type AgentCommands,
  API_PREFIX,
  type VisitorCommands,
  type VisitorConversation,
} from '@hovor/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_COMMAND_POLICIES,
  type Policy,
  ROUTE_POLICIES,
  type RouteKey,
  VISITOR_COMMAND_POLICIES,
} from '../src/access/policies.js';
import {
  AGENT_PASSWORD,
  type AgentSocket,
  call,
  clientId,
  type Harness,
  ok,
  SHOP_ORIGIN,
  signIn,
  startHarness,
  type VisitorSocket,
} from './support/harness.js';

/**
 * [A3] Every command and route of the registry, run as every kind of caller. Allowed callers are
 * derived from each policy, so a new command or route is covered the day it is declared; a command
 * without an input below does not compile, and a route served without a registry entry fails here.
 */

type AgentName = 'assignee' | 'colleague' | 'otherSite' | 'supervisor' | 'admin' | 'deactivated' | 'revoked';
type VisitorName = 'visitorA' | 'visitorB';
type Caller = 'anonymous' | VisitorName | AgentName;
const AGENTS: AgentName[] = [
  'assignee',
  'colleague',
  'otherSite',
  'supervisor',
  'admin',
  'deactivated',
  'revoked',
];
const CALLERS: Caller[] = ['anonymous', 'visitorA', 'visitorB', ...AGENTS];
const ACCESS_ERRORS = ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'];

/** Who may pass a policy, in the scenario: visitor A's conversation, assigned to `assignee` (site 1). */
function allowedBy(policy: Policy): Caller[] {
  if (policy === 'public') return CALLERS;
  if (policy === 'visitor') return ['visitorA', 'visitorB'];
  const active: Caller[] = ['assignee', 'colleague', 'otherSite', 'supervisor', 'admin'];
  if (policy === 'agent') return active;
  if (policy === 'supervisor') return ['supervisor', 'admin'];
  switch (policy.conversation) {
    case 'visitor':
      return ['visitorA'];
    case 'reader':
    case 'manager':
      return ['assignee', 'supervisor', 'admin'];
    case 'assignee':
      return ['assignee'];
    case 'participant':
      return ['visitorA', 'assignee', 'supervisor', 'admin'];
  }
}

interface Scenario {
  conversationId: string;
  attachmentId: string;
}

let h: Harness;
const agents = {} as Record<AgentName, { id: string; email: string; cookie: string; socket: AgentSocket }>;
const visitors = {} as Record<VisitorName, { token: string; visitorId: string; socket: VisitorSocket }>;
let otherSiteId: string;

beforeAll(async () => {
  h = await startHarness();
  otherSiteId = (
    await h.hovor.repositories.sites.create(
      {
        key: 'other-site',
        name: 'Other',
        allowedOrigins: ['http://other.test'],
        color: '#654321',
        greeting: 'Hi',
      },
      new Date(),
    )
  ).id;
  const roles: Record<AgentName, { role: 'agent' | 'supervisor' | 'admin'; siteIds?: string[] }> = {
    assignee: { role: 'agent' },
    colleague: { role: 'agent' },
    otherSite: { role: 'agent', siteIds: [otherSiteId] },
    supervisor: { role: 'supervisor' },
    admin: { role: 'admin' },
    deactivated: { role: 'agent' },
    revoked: { role: 'admin' },
  };
  for (const name of AGENTS) {
    const seeded = await h.seedAgent({ name, capacity: 50, ...roles[name] });
    const cookie = await signIn(h.baseUrl, seeded.email, AGENT_PASSWORD);
    const socket = await h.agent(seeded.email);
    agents[name] = { ...seeded, cookie, socket };
  }
  await ok(agents.assignee.socket, 'status:set', { status: 'online' });
  for (const name of ['visitorA', 'visitorB'] as const) {
    visitors[name] = await h.visitor();
  }
  await h.c.agents.updateOne({ _id: agents.deactivated.id }, { $set: { deactivatedAt: new Date() } });
  await h.c.sessions.deleteMany({ agentId: agents.revoked.id });
});
afterAll(async () => {
  await h.close();
});
/** [P26] A row that blocked visitor A (`visitor:block`) lifts it and reconnects them for the rows after it. */
afterEach(async () => {
  if ((await h.c.visitorBlocks.deleteMany({})).deletedCount === 0) return;
  for (const visitor of Object.values(visitors)) {
    visitor.socket.disconnect();
    visitor.socket = await h.visitorWithToken(visitor.token);
  }
});

/** A fresh chat of visitor A's, assigned to `assignee`, with a file in it. */
async function scenario(): Promise<Scenario> {
  // The harness runs no sweeper: renew the connections' 30-second leases, or a matrix that runs
  // longer than that finds the assignee gone and leaves the chat queued.
  await h.hovor.sweep();
  // Only the assignee is online, so routing gives the chat to them.
  for (const name of ['colleague', 'otherSite', 'supervisor', 'admin'] as const) {
    await ok(agents[name].socket, 'status:set', { status: 'offline' });
  }
  await ok(agents.assignee.socket, 'status:set', { status: 'online' });
  const a = visitors.visitorA.socket;
  const open = await ok<{ conversation: VisitorConversation | null }>(a, 'conversation:sync', {
    afterSeq: 0,
  });
  if (open.conversation)
    await ok(agents.assignee.socket, 'conversation:close', { conversationId: open.conversation.id });
  const conversation = await ok<VisitorConversation>(a, 'conversation:start', { requestId: clientId() });
  expect(conversation.agent?.id).toBe(agents.assignee.id);
  const upload = await fetch(
    `${h.baseUrl}${API_PREFIX}/conversations/${conversation.id}/attachments?name=a.png`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${visitors.visitorA.token}`, 'content-type': 'image/png' },
      body: PNG,
    },
  );
  const stored = (await upload.json()) as Ack<{ id: string }>;
  if (!stored.ok) throw new Error(`upload failed: ${stored.error.code}`);
  return { conversationId: conversation.id, attachmentId: stored.data.id };
}

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==',
  'base64',
);

/** What a denied call must leave as it was. */
async function snapshot(conversationId: string): Promise<string> {
  const [conversation, counts] = await Promise.all([
    h.c.conversations.findOne({ _id: conversationId }),
    Promise.all(
      [
        h.c.messages,
        h.c.receipts,
        h.c.ratings,
        h.c.pageViews,
        h.c.visitorAttributes,
        h.c.attachments,
        h.c.sessions,
      ].map((collection) => (collection as typeof h.c.messages).countDocuments({})),
    ),
  ]);
  const statuses = await h.c.agents
    .find({}, { projection: { status: 1 } })
    .sort({ _id: 1 })
    .toArray();
  return JSON.stringify({ conversation, counts, statuses });
}

const visitorInputs: Record<keyof typeof VisitorCommands, (s: Scenario) => unknown> = {
  'conversation:start': () => ({ requestId: clientId() }),
  'conversation:sync': (s) => ({ conversationId: s.conversationId, afterSeq: 0 }),
  'message:send': (s) => ({ conversationId: s.conversationId, clientMsgId: clientId(), text: 'hello' }),
  'typing:set': (s) => ({ conversationId: s.conversationId, isTyping: true }),
  'receipt:set': (s) => ({ conversationId: s.conversationId, deliveredSeq: 1, readSeq: 1 }),
  'availability:get': () => ({}),
  'offline:leave': () => ({ requestId: clientId(), name: 'Jo', email: 'jo@example.test', text: 'Call me' }),
  'conversation:rate': (s) => ({ conversationId: s.conversationId, requestId: clientId(), score: 5 }),
  'visitor:attributes': () => ({ attributes: { plan: 'pro' } }),
  'page:view': () => ({ url: `https://shop.test/${clientId()}`, title: 'Shop' }),
};

const agentInputs: Record<keyof typeof AgentCommands, (s: Scenario) => unknown> = {
  'status:set': () => ({ status: 'online' }),
  'presence:activity': () => ({}),
  'conversations:list': () => ({ box: 'mine' }),
  'conversation:open': (s) => ({ conversationId: s.conversationId, afterSeq: 0 }),
  'conversation:close': (s) => ({ conversationId: s.conversationId }),
  'conversation:transfer': (s) => ({
    conversationId: s.conversationId,
    to: { type: 'agent', agentId: agents.colleague.id },
  }),
  'note:add': (s) => ({ conversationId: s.conversationId, clientMsgId: clientId(), text: 'internal' }),
  'team:list': (s) => ({ conversationId: s.conversationId }),
  'conversation:reopen': (s) => ({ conversationId: s.conversationId }),
  'conversation:take': (s) => ({ conversationId: s.conversationId }),
  'message:send': (s) => ({ conversationId: s.conversationId, clientMsgId: clientId(), text: 'reply' }),
  'typing:set': (s) => ({ conversationId: s.conversationId, isTyping: true }),
  'receipt:set': (s) => ({ conversationId: s.conversationId, deliveredSeq: 1, readSeq: 1 }),
  'visitor:block': (s) => ({ conversationId: s.conversationId, reason: 'Abusive language' }),
  'blocks:list': () => ({}),
  'visitor:unblock': () => ({ visitorId: visitors.visitorB.visitorId }),
};

/**
 * Connected sockets of the deactivated and the revoked agent: connected while they still could,
 * then ended behind their backs (as by another node without Redis), so each command must notice.
 */
async function staleSockets(): Promise<void> {
  const { deactivated, revoked } = agents;
  await h.c.agents.updateOne({ _id: deactivated.id }, { $set: { deactivatedAt: null } });
  deactivated.socket = await h.agent(deactivated.email);
  await h.c.agents.updateOne({ _id: deactivated.id }, { $set: { deactivatedAt: new Date() } });
  revoked.socket = await h.agent(revoked.email);
  // Its first command checks the session afresh (nothing checked it on this node yet).
  await h.c.sessions.deleteMany({ agentId: revoked.id });
}

/** Runs the denied callers first (nothing may change), then the allowed ones (no access error). */
async function runMatrix(
  allowed: Caller[],
  callers: Caller[],
  s: Scenario,
  run: (caller: Caller) => Promise<{ ok: boolean; code?: string; body: unknown }>,
) {
  const before = await snapshot(s.conversationId);
  for (const caller of callers.filter((c) => !allowed.includes(c))) {
    const answer = await run(caller);
    expect(answer.ok, `${caller} must be refused`).toBe(false);
    expect(ACCESS_ERRORS, `${caller} got ${answer.code}`).toContain(answer.code);
    expect(JSON.stringify(answer.body)).not.toMatch(/"data"/);
  }
  expect(await snapshot(s.conversationId), 'a refused call changed something').toBe(before);
  for (const caller of callers.filter((c) => allowed.includes(c))) {
    const answer = await run(caller);
    expect(ACCESS_ERRORS, `${caller} was refused (${answer.code})`).not.toContain(answer.code);
  }
}

const fromAck = (ack: Ack<unknown>) => ({ ok: ack.ok, code: ack.ok ? undefined : ack.error.code, body: ack });

describe('[A3] the authorization matrix', () => {
  it.each(Object.keys(VISITOR_COMMAND_POLICIES) as Array<keyof typeof VisitorCommands>)(
    '[A1][A3] visitor command %s answers only whom its policy names',
    async (command) => {
      const s = await scenario();
      // Agents and anonymous callers have no way into the visitor namespace (see the handshake tests).
      await runMatrix(
        allowedBy(VISITOR_COMMAND_POLICIES[command]),
        ['visitorA', 'visitorB'],
        s,
        async (caller) =>
          fromAck(await call(visitors[caller as VisitorName].socket, command, visitorInputs[command](s))),
      );
    },
  );

  it.each(Object.keys(AGENT_COMMAND_POLICIES) as Array<keyof typeof AgentCommands>)(
    '[A1][A2][A3] agent command %s answers only whom its policy names',
    async (command) => {
      const s = await scenario();
      await staleSockets();
      await runMatrix(allowedBy(AGENT_COMMAND_POLICIES[command]), AGENTS, s, async (caller) =>
        fromAck(await call(agents[caller as AgentName].socket, command, agentInputs[command](s))),
      );
    },
  );

  const routeRequests: Record<RouteKey, (s: Scenario) => { path: string; init?: RequestInit }> = {
    'GET /healthz': () => ({ path: '/healthz' }),
    'GET /readyz': () => ({ path: '/readyz' }),
    'POST /api/v1/auth/login': () => ({
      path: `${API_PREFIX}/auth/login`,
      init: {
        method: 'POST',
        body: JSON.stringify({ email: agents.colleague.email, password: AGENT_PASSWORD }),
      },
    }),
    'POST /api/v1/auth/logout': () => ({
      path: `${API_PREFIX}/auth/logout`,
      init: { method: 'POST', body: '{}' },
    }),
    'GET /api/v1/auth/me': () => ({ path: `${API_PREFIX}/auth/me` }),
    'POST /api/v1/auth/logout-everywhere': () => ({
      path: `${API_PREFIX}/auth/logout-everywhere`,
      init: { method: 'POST', body: '{}' },
    }),
    'POST /api/v1/auth/password': () => ({
      path: `${API_PREFIX}/auth/password`,
      init: {
        method: 'POST',
        body: JSON.stringify({ currentPassword: AGENT_PASSWORD, newPassword: 'x'.repeat(16) }),
      },
    }),
    'GET /api/v1/sites/:siteKey/widget-config': () => ({
      path: `${API_PREFIX}/sites/${h.site.key}/widget-config?origin=${encodeURIComponent(SHOP_ORIGIN)}`,
    }),
    'GET /api/v1/sites/:siteKey/availability': () => ({
      path: `${API_PREFIX}/sites/${h.site.key}/availability?origin=${encodeURIComponent(SHOP_ORIGIN)}`,
    }),
    'POST /api/v1/visitors': () => ({
      path: `${API_PREFIX}/visitors`,
      init: { method: 'POST', body: JSON.stringify({ siteKey: h.site.key, hostOrigin: SHOP_ORIGIN }) },
    }),
    'POST /api/v1/conversations/:conversationId/attachments': (s) => ({
      path: `${API_PREFIX}/conversations/${s.conversationId}/attachments?name=b.png`,
      init: { method: 'POST', body: PNG, headers: { 'content-type': 'image/png' } },
    }),
    'GET /api/v1/attachments/:attachmentId': (s) => ({ path: `${API_PREFIX}/attachments/${s.attachmentId}` }),
    'GET /widget.js': () => ({ path: '/widget.js' }),
    'GET /widget.d.ts': () => ({ path: '/widget.d.ts' }),
    'GET /widget/frame.html': () => ({ path: `/widget/frame.html?site=${h.site.key}` }),
    'GET /widget/launcher.html': () => ({ path: `/widget/launcher.html?site=${h.site.key}` }),
    'GET /console': () => ({ path: '/console' }),
    'GET /console/{*rest}': () => ({ path: '/console/inbox' }),
    'GET /': () => ({ path: '/' }),
  };

  /** The caller's credentials on an HTTP request: a visitor's bearer token, an agent's cookie. */
  function credentials(caller: Caller): Record<string, string> {
    if (caller === 'anonymous') return {};
    if (caller === 'visitorA' || caller === 'visitorB')
      return { authorization: `Bearer ${visitors[caller].token}` };
    return { cookie: agents[caller].cookie };
  }

  it.each(Object.keys(ROUTE_POLICIES) as RouteKey[])(
    '[A1][A3] route %s answers only whom its policy names',
    async (key) => {
      const s = await scenario();
      const allowed = allowedBy(ROUTE_POLICIES[key]);
      const denied = CALLERS.filter((c) => !allowed.includes(c));
      // Refused callers only where an allowed call would end the sessions the other rows use
      // (sessions.test.ts runs those).
      const endsSessions: RouteKey[] = [
        'POST /api/v1/auth/logout',
        'POST /api/v1/auth/logout-everywhere',
        'POST /api/v1/auth/password',
      ];
      const callers = endsSessions.includes(key) ? denied : CALLERS;
      await runMatrix(allowed, callers, s, async (caller) => {
        const { path, init } = routeRequests[key](s);
        const res = await fetch(`${h.baseUrl}${path}`, {
          redirect: 'manual',
          ...init,
          headers: { 'content-type': 'application/json', ...init?.headers, ...credentials(caller) },
        });
        const text = await res.text();
        const body = res.headers.get('content-type')?.includes('json')
          ? (JSON.parse(text) as Ack<unknown>)
          : null;
        const code = body && !body.ok ? body.error.code : undefined;
        return { ok: res.status < 400, code, body: body ?? '' };
      });
    },
  );

  it('[A1] serves no route that the registry does not name, and names none it does not serve', () => {
    expect(new Set(h.hovor.routes())).toEqual(new Set(Object.keys(ROUTE_POLICIES)));
  });
});
