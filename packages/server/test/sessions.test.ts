import { AGENT_NAMESPACE, type ConversationSummary, PROTOCOL_VERSION } from '@hovor/protocol';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_RECHECK_MS } from '../src/auth/auth.service.js';
import { type Cluster, startCluster } from './support/cluster.js';
import {
  AGENT_PASSWORD,
  type AgentSocket,
  call,
  connectSocket,
  type Harness,
  manualClock,
  next,
  ok,
  signIn,
  startHarness,
} from './support/harness.js';

let h: Harness | undefined;
let cluster: Cluster | undefined;
const opened: AgentSocket[] = [];
afterEach(async () => {
  for (const socket of opened.splice(0)) socket.disconnect();
  await h?.close();
  await cluster?.close();
  h = undefined;
  cluster = undefined;
});

/** A console tab of the session `cookie` on the server at `baseUrl`. */
function tab(baseUrl: string, cookie: string): Promise<AgentSocket> {
  return connectSocket<AgentSocket>(
    io(`${baseUrl}${AGENT_NAMESPACE}`, {
      auth: { v: PROTOCOL_VERSION },
      extraHeaders: { cookie },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    }),
    opened,
  );
}

const ended = (socket: AgentSocket) =>
  new Promise<string>((resolve) => {
    if (socket.disconnected) resolve('already');
    socket.once('disconnect', (reason) => resolve(reason));
  });

async function post(baseUrl: string, path: string, cookie: string, body: unknown = {}) {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string } } };
}

describe('[P25] a console socket lives only as long as its session and its agent’s access', () => {
  it('[P25] ends the session’s sockets at sign-out and refuses the cookie after, leaving other sessions be', async () => {
    h = await startHarness();
    const alice = await h.seedAgent({ name: 'Alice' });
    const laptop = await signIn(h.baseUrl, alice.email, AGENT_PASSWORD);
    const phone = await signIn(h.baseUrl, alice.email, AGENT_PASSWORD);
    const laptopTabs = [await tab(h.baseUrl, laptop), await tab(h.baseUrl, laptop)];
    const phoneTab = await tab(h.baseUrl, phone);

    const endings = laptopTabs.map(ended);
    expect((await post(h.baseUrl, '/auth/logout', laptop)).status).toBe(200);
    expect(await Promise.all(endings)).toEqual(['io server disconnect', 'io server disconnect']);
    await expect(tab(h.baseUrl, laptop)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    expect(phoneTab.connected).toBe(true);
    await ok(phoneTab, 'presence:activity', {});
    const audit = await h.hovor.audit.recent({}, 10);
    expect(audit.map((e) => e.action)).toEqual(['auth.signed_out', 'auth.signed_in', 'auth.signed_in']);
    expect(audit[0]).toMatchObject({ actorId: alice.id, ip: expect.stringContaining('127.0.0.1') });
  });

  it('[P25] ends a session’s sockets on another node when it signs out through this one (Redis)', async () => {
    cluster = await startCluster(2);
    const [first, second] = cluster.nodes as [Cluster['nodes'][0], Cluster['nodes'][0]];
    const alice = await cluster.seedAgent({ name: 'Alice' });
    const cookie = await signIn(first.baseUrl, alice.email, AGENT_PASSWORD);
    const elsewhere = await tab(second.baseUrl, cookie);
    const ending = ended(elsewhere);
    expect((await post(first.baseUrl, '/auth/logout', cookie)).status).toBe(200);
    expect(await ending).toBe('io server disconnect');
  });

  it('[P25] ends a deactivated agent’s sockets, refuses their sign-in, and logs who did it', async () => {
    h = await startHarness();
    const admin = await h.seedAgent({ name: 'Admin' });
    const alice = await h.onlineAgent('Alice');
    const ending = ended(alice.socket);
    await h.hovor.agentAccess.setActive(admin.id, alice.id, false);
    expect(await ending).toBe('io server disconnect');
    await expect(h.agent(alice.email)).rejects.toThrow('sign-in failed with HTTP 401');
    expect((await h.c.agents.findOne({ _id: alice.id }))?.status).toBe('offline');
    expect(await h.c.sessions.countDocuments({ agentId: alice.id })).toBe(0);
    const [failed, deactivated] = await h.hovor.audit.recent({}, 2);
    expect(failed).toMatchObject({ action: 'auth.sign_in_failed', details: { reason: 'deactivated' } });
    expect(deactivated).toMatchObject({ action: 'agent.deactivated', actorId: admin.id, targetId: alice.id });
  });

  it('[P25] ends the sockets of an agent removed from a site, so the site’s news no longer reaches them', async () => {
    h = await startHarness();
    const admin = await h.seedAgent({ name: 'Admin' });
    const alice = await h.seedAgent({ name: 'Alice' });
    const socket = await h.agent(alice.email);
    const ending = ended(socket);
    await h.hovor.agentAccess.setSites(admin.id, alice.id, []);
    expect(await ending).toBe('io server disconnect');

    // Signed in again, Alice hears nothing of the site, and cannot open its conversations.
    const again = await h.agent(alice.email);
    const heard: unknown[] = [];
    again.on('conversation:updated', (summary) => heard.push(summary));
    again.on('conversations:updated', (summaries) => heard.push(...summaries));
    const bob = await h.onlineAgent('Bob');
    // Bob hears the site's list frame; Alice, off the site, hears neither it nor the change.
    const seenByBob = next<ConversationSummary[]>(bob.socket, 'conversations:updated');
    const chat = await h.startChat();
    await seenByBob;
    const opened = await call(again, 'conversation:open', {
      conversationId: chat.conversation.id,
      afterSeq: 0,
    });
    expect(opened).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(heard).toHaveLength(0);
    expect((await h.hovor.audit.recent({ action: 'agent.sites_changed' }, 1))[0]).toMatchObject({
      targetId: alice.id,
      details: { from: h.site.id, to: '' },
    });
  });

  it('[P25] re-checks the session on commands: one ended elsewhere is refused within the recheck time', async () => {
    const clock = manualClock();
    h = await startHarness({ clock });
    const alice = await h.onlineAgent('Alice');
    await ok(alice.socket, 'presence:activity', {});
    // Ended without telling this node (as another node's database write would).
    await h.c.sessions.deleteMany({ agentId: alice.id });
    clock.advance(SESSION_RECHECK_MS + 1);
    const ending = ended(alice.socket);
    expect(await call(alice.socket, 'conversations:list', { box: 'mine' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await ending).toBe('io server disconnect');
  });

  it('[P25] refuses commands of an expired session and sweeps it from the database', async () => {
    const clock = manualClock();
    h = await startHarness({ clock });
    const alice = await h.onlineAgent('Alice');
    clock.advance(h.config.sessionTtlMs + 1);
    expect(await call(alice.socket, 'conversations:list', { box: 'mine' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await h.hovor.sweepSessions()).toBe(1);
    expect(await h.c.sessions.countDocuments({})).toBe(0);
  });
});

describe('[P25] password change and signing out everywhere', () => {
  it('[P25] changes the password after checking the current one, and ends the agent’s other sessions', async () => {
    h = await startHarness();
    const alice = await h.seedAgent({ name: 'Alice' });
    const here = await signIn(h.baseUrl, alice.email, AGENT_PASSWORD);
    const there = await signIn(h.baseUrl, alice.email, AGENT_PASSWORD);
    const hereTab = await tab(h.baseUrl, here);
    const thereTab = await tab(h.baseUrl, there);
    const next1 = 'a brand new passphrase';

    const wrong = await post(h.baseUrl, '/auth/password', here, {
      currentPassword: 'nope',
      newPassword: next1,
    });
    expect(wrong).toMatchObject({ status: 403, body: { ok: false, error: { code: 'FORBIDDEN' } } });
    const short = await post(h.baseUrl, '/auth/password', here, {
      currentPassword: AGENT_PASSWORD,
      newPassword: 'short',
    });
    expect(short).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const anonymous = await post(h.baseUrl, '/auth/password', '', {
      currentPassword: AGENT_PASSWORD,
      newPassword: next1,
    });
    expect(anonymous.status).toBe(401);
    expect(thereTab.connected).toBe(true);

    const ending = ended(thereTab);
    const changed = await post(h.baseUrl, '/auth/password', here, {
      currentPassword: AGENT_PASSWORD,
      newPassword: next1,
    });
    expect(changed.status).toBe(200);
    expect(await ending).toBe('io server disconnect');
    expect(hereTab.connected).toBe(true);
    await ok(hereTab, 'presence:activity', {});
    await expect(signIn(h.baseUrl, alice.email, AGENT_PASSWORD)).rejects.toThrow('HTTP 401');
    expect(await signIn(h.baseUrl, alice.email, next1)).toMatch(/^hovor_session=/);
    expect((await h.hovor.audit.recent({ action: 'auth.password_changed' }, 5)).length).toBe(1);
  });

  it('[P25] signs out every session of the agent at once', async () => {
    h = await startHarness();
    const alice = await h.seedAgent({ name: 'Alice' });
    const cookies = [
      await signIn(h.baseUrl, alice.email, AGENT_PASSWORD),
      await signIn(h.baseUrl, alice.email, AGENT_PASSWORD),
    ];
    const tabs = await Promise.all(cookies.map((cookie) => tab(h!.baseUrl, cookie)));
    const endings = tabs.map(ended);
    expect((await post(h.baseUrl, '/auth/logout-everywhere', cookies[0]!)).status).toBe(200);
    expect(await Promise.all(endings)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const cookie of cookies) await expect(tab(h.baseUrl, cookie)).rejects.toBeTruthy();
    expect(await h.c.sessions.countDocuments({})).toBe(0);
  });
});
