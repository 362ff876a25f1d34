import type { ConversationSummary, VisitorConversation, VisitorSyncResult } from '@hovor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutingSettings } from '../src/sites/routing-settings.js';
import {
  call,
  clientId,
  type Harness,
  manualClock,
  next,
  ok,
  SHOP_ORIGIN,
  startHarness,
} from './support/harness.js';

let h: Harness;
let clock: ReturnType<typeof manualClock>;

/** Weekdays 09:00-17:00 in Prague; the manual clock starts on Monday 2 March 2026, 10:00 there. */
const OFFICE_HOURS: RoutingSettings['businessHours'] = {
  timeZone: 'Europe/Prague',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '17:00' }]]),
  ),
  holidays: [],
};

async function start(routing: Partial<RoutingSettings> = {}) {
  clock = manualClock();
  h = await startHarness({ clock, routing });
}
afterEach(async () => {
  await h.close();
});

const onlineAgent = (name: string) => h.onlineAgent(name);

const availability = async (socket: Parameters<typeof ok>[0]) =>
  (await ok(socket, 'availability:get', {})).mode;
const leave = (overrides: Record<string, unknown> = {}) => ({
  requestId: clientId(),
  name: 'Jana Nováková',
  email: 'jana@example.test',
  text: 'Do you ship to Slovakia?',
  ...overrides,
});

describe('availability', () => {
  it('[RT17] is live with a free agent, queue without, and offline outside business hours', async () => {
    await start({ businessHours: OFFICE_HOURS });
    const visitor = await h.visitor();
    expect(await availability(visitor.socket)).toBe('queue');
    await onlineAgent('Alice');
    expect(await availability(visitor.socket)).toBe('live');
    clock.advance(8 * 3_600_000); // 18:00 in Prague
    expect(await availability(visitor.socket)).toBe('offline');
    const refused = await call(visitor.socket, 'conversation:start', { requestId: clientId() });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await h.c.conversations.countDocuments({})).toBe(0);
  });

  it('[RT17] gives the site’s offline text and greeting in the chat’s language when the site wrote them', async () => {
    await start({ businessHours: OFFICE_HOURS });
    await h.hovor.repositories.sites.update(h.site.id, {
      $set: { texts: { cs: { offlineText: 'Teď tu nejsme, napište nám.', greeting: 'Dobrý den!' } } },
    });
    const visitor = await h.visitor();
    clock.advance(8 * 3_600_000); // closed
    const inCzech = await ok(visitor.socket, 'availability:get', { locale: 'cs' });
    expect(inCzech).toEqual({ mode: 'offline', offlineText: 'Teď tu nejsme, napište nám.' });
    const inPolish = await ok(visitor.socket, 'availability:get', { locale: 'pl' });
    expect(inPolish.offlineText).toBe("We're away right now. Leave a message and we'll get back to you.");
    expect(await call(visitor.socket, 'availability:get', { locale: 'czech' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    const config = (await (await fetch(`${h.baseUrl}/api/v1/sites/${h.site.key}/widget-config`)).json()) as {
      data: { greeting: string; greetings: Array<{ locale: string; text: string }> };
    };
    expect(config.data).toMatchObject({
      greeting: 'Hello',
      greetings: [{ locale: 'cs', text: 'Dobrý den!' }],
    });
  });

  it('[RT17] offers the form when nobody is eligible if the site says so, and hides the widget if asked', async () => {
    await start({ offlineWhenNoAgents: true });
    const visitor = await h.visitor();
    expect(await availability(visitor.socket)).toBe('offline');
    await h.hovor.repositories.sites.update(h.site.id, { $set: { 'routing.hideWhenOffline': true } });
    expect(await availability(visitor.socket)).toBe('hidden');
    await onlineAgent('Alice');
    expect(await availability(visitor.socket)).toBe('live');
  });

  it('[P22] answers a page of an allowed origin over HTTP, never cached, and the config says whether the site hides', async () => {
    await start({ offlineWhenNoAgents: true, hideWhenOffline: true });
    const get = async (query: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${h.baseUrl}/api/v1/sites/${h.site.key}/availability${query}`, { headers });
      return { status: res.status, cache: res.headers.get('cache-control'), body: await res.json() };
    };
    const shop = `?origin=${encodeURIComponent(SHOP_ORIGIN)}`;
    expect(await get(`${shop}&locale=cs`)).toEqual({
      status: 200,
      cache: 'no-store',
      body: { ok: true, data: { mode: 'hidden', offlineText: expect.any(String) } },
    });
    await onlineAgent('Alice');
    // Each node keeps an answer for 3 s: the launchers of a busy site cost a few reads, not one each.
    expect((await get(`${shop}&locale=cs`)).body).toMatchObject({ ok: true, data: { mode: 'hidden' } });
    clock.advance(3_000);
    expect((await get(`${shop}&locale=cs`)).body).toMatchObject({ ok: true, data: { mode: 'live' } });
    // A page's own request names its origin in the header.
    expect((await get('', { origin: SHOP_ORIGIN })).body).toMatchObject({ ok: true, data: { mode: 'live' } });
    const config = await fetch(`${h.baseUrl}/api/v1/sites/${h.site.key}/widget-config`);
    expect(((await config.json()) as { data: { hidesWhenOffline: boolean } }).data.hidesWhenOffline).toBe(
      true,
    );

    // Refused: another origin, none, bad or unknown parts; nothing is told.
    const refusals: Array<[string, Record<string, string>, number, string]> = [
      ['?origin=http%3A%2F%2Fevil.test', {}, 403, 'ORIGIN_NOT_ALLOWED'],
      ['', { origin: 'http://evil.test' }, 403, 'ORIGIN_NOT_ALLOWED'],
      ['', {}, 403, 'ORIGIN_NOT_ALLOWED'],
      [`${shop}&locale=czech`, {}, 400, 'BAD_REQUEST'],
      [`${shop}&departmentId=sales`, {}, 400, 'BAD_REQUEST'],
      [`${shop}&mode=live`, {}, 400, 'BAD_REQUEST'],
      [`${shop}&departmentId=65f1c0ffee0000000000beef`, {}, 404, 'NOT_FOUND'],
    ];
    for (const [query, headers, status, code] of refusals) {
      expect(await get(query, headers), query || JSON.stringify(headers)).toMatchObject({
        status,
        body: { ok: false, error: { code } },
      });
    }
  });

  it('[RT17] uses a department’s own hours over the site’s', async () => {
    await start({ businessHours: OFFICE_HOURS });
    const night = await h.hovor.repositories.departments.create(
      { siteId: h.site.id, name: 'Night desk', strategy: null, fallbackDepartmentId: null },
      new Date(),
    );
    await h.c.departments.updateOne(
      { _id: night.id },
      {
        $set: {
          businessHours: {
            timeZone: 'Europe/Prague',
            weekly: { mon: [{ from: '17:00', to: '24:00' }] },
            holidays: [],
          },
        },
      },
    );
    const visitor = await h.visitor();
    expect((await ok(visitor.socket, 'availability:get', { departmentId: night.id })).mode).toBe('offline');
    clock.advance(8 * 3_600_000);
    expect((await ok(visitor.socket, 'availability:get', { departmentId: night.id })).mode).toBe('queue');
    expect((await ok(visitor.socket, 'availability:get', {})).mode).toBe('offline');
  });
});

describe('left messages', () => {
  it('[RT18] stores a left message once and lists it for agents under Offline messages', async () => {
    await start();
    const agentSeed = await h.seedAgent({ name: 'Alice' });
    const agent = await h.agent(agentSeed.email);
    const visitor = await h.visitor();
    const seen = next<ConversationSummary[]>(agent, 'conversations:updated', (list) =>
      list.some((c) => c.state === 'offline'),
    ).then((list) => list.find((c) => c.state === 'offline')!);
    const input = leave();
    const [first, again] = await Promise.all([
      ok<VisitorConversation>(visitor.socket, 'offline:leave', input),
      ok<VisitorConversation>(visitor.socket, 'offline:leave', input),
    ]);
    expect(first.id).toBe(again.id);
    expect(first.state).toBe('offline');
    expect((await seen).visitorName).toBe('Jana Nováková');

    const listed = await ok(agent, 'conversations:list', { box: 'offline' });
    expect(listed.items.map((c: ConversationSummary) => [c.id, c.lastMessageText])).toEqual([
      [first.id, 'Do you ship to Slovakia?'],
    ]);
    expect(await h.c.conversations.countDocuments({})).toBe(1);
    expect(await h.c.messages.countDocuments({ conversationId: first.id, kind: 'text' })).toBe(1);
    expect((await h.c.visitors.findOne({ _id: visitor.visitorId }))?.email).toBe('jana@example.test');
  });

  it('[RT18] refuses a malformed form and stores nothing', async () => {
    await start();
    const visitor = await h.visitor();
    for (const bad of [{ email: 'not-an-address' }, { name: '   ' }, { text: '' }, { extra: true }]) {
      const answer = await call(visitor.socket, 'offline:leave', leave(bad));
      expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await h.c.conversations.countDocuments({})).toBe(0);
  });

  it('[RT18] lets one agent reopen it to reply, and the visitor finds the reply on the next visit', async () => {
    await start();
    const visitor = await h.visitor();
    const left = await ok<VisitorConversation>(visitor.socket, 'offline:leave', leave());
    visitor.socket.disconnect();

    const alice = await onlineAgent('Alice');
    const bob = await onlineAgent('Bob');
    const answers = await Promise.all(
      [alice, bob].map((a) => call(a.socket, 'conversation:reopen', { conversationId: left.id })),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    const winner = answers[0]!.ok ? alice : bob;
    await ok(winner.socket, 'message:send', {
      conversationId: left.id,
      clientMsgId: clientId(),
      text: 'Yes, we do!',
    });

    const back = await h.visitorWithToken(visitor.token);
    const synced = await ok<VisitorSyncResult>(back, 'conversation:sync', { afterSeq: 0 });
    expect(synced.conversation).toMatchObject({ id: left.id, state: 'assigned', agent: { id: winner.id } });
    expect(synced.messages.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual([
      'Do you ship to Slovakia?',
      'Yes, we do!',
    ]);
    expect(await h.c.agentSlots.countDocuments({ conversationId: left.id })).toBe(1);
  });

  it('[RT18] keeps the message for later when the visitor is chatting already', async () => {
    await start();
    const visitor = await h.visitor();
    const left = await ok<VisitorConversation>(visitor.socket, 'offline:leave', leave());
    const alice = await onlineAgent('Alice');
    await ok(visitor.socket, 'conversation:start', { requestId: clientId() });
    const refused = await call(alice.socket, 'conversation:reopen', { conversationId: left.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await h.c.conversations.findOne({ _id: left.id }))?.state).toBe('offline');
    expect(await h.c.agentSlots.countDocuments({ conversationId: left.id })).toBe(0);
  });
});
