import type { AgentProfile } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleError } from './console-error';
import { settle, setupConsole as setup } from './console-fixture';
import {
  CONVERSATION_ID,
  deferred,
  type Handler,
  ME,
  memoryBackend,
  message,
  Refusal,
  refuse,
  summary,
} from './test-fakes';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createConsoleState', () => {
  it('loads the three lists once the socket connects', async () => {
    const { state, fire } = setup();
    await state.start();
    fire('connect');
    await settle();
    expect(state.session.value).toBe('signed-in');
    expect(state.lists.value.mine.map((s) => s.id)).toEqual([CONVERSATION_ID]);
  });

  it('re-opens the current conversation after its last seq on reconnect', async () => {
    const { state, fire, sent } = setup();
    await state.start();
    fire('connect');
    await settle();
    state.openConversation(CONVERSATION_ID);
    await settle();
    fire('disconnect', 'transport close');
    fire('connect');
    await settle();
    const opens = sent.filter((c) => c.name === 'conversation:open').map((c) => c.input.afterSeq);
    expect(opens).toEqual([0, 2]);
    // Four lists (queue, mine, closed, offline), loaded on each of the two connects.
    expect(sent.filter((c) => c.name === 'conversations:list')).toHaveLength(8);
  });

  it('shows a message once when both the ack and the notification deliver it', async () => {
    const sentMessage = message(3, {
      author: { type: 'agent', id: ME.id, name: ME.name },
      text: 'Hi Ada',
      clientMsgId: 'x',
    });
    const { state, fire } = setup({
      'message:send': (input) => ({ ...sentMessage, clientMsgId: input.clientMsgId }),
    });
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    expect(state.sendMessage('  Hi Ada  ')).toBe(true);
    expect(state.pending.value.map((p) => p.text)).toEqual(['Hi Ada']);
    await settle();
    fire('message:created', { ...sentMessage, clientMsgId: 'x' });
    expect(state.messages.value.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(state.pending.value).toEqual([]);
  });

  it('[P5][P16] retries message:send with the same clientMsgId when the answer is lost', async () => {
    let calls = 0;
    const { state, fire, sent } = setup({
      'message:send': (input) => {
        calls++;
        if (calls === 1) throw new Error('operation has timed out');
        return message(3, { clientMsgId: String(input.clientMsgId) });
      },
    });
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    state.sendMessage('Hello');
    await vi.advanceTimersByTimeAsync(1_000);
    const ids = sent.filter((c) => c.name === 'message:send').map((c) => c.input.clientMsgId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect(state.pending.value).toEqual([]);
  });

  it('moves a chat to Closed when conversation:updated says it was closed', async () => {
    const { state, fire } = setup();
    await state.start();
    fire('connect');
    await settle();
    fire(
      'conversation:updated',
      summary({ state: 'closed', lastSeq: 3, closedAt: '2025-01-01T10:09:00.000Z' }),
    );
    expect(state.lists.value.mine).toEqual([]);
    expect(state.lists.value.closed.map((s) => s.id)).toEqual([CONVERSATION_ID]);
  });

  it('[P9] applies each summary of a site list frame, ignoring one older than the summary held', async () => {
    const { state, fire } = setup();
    await state.start();
    fire('connect');
    await settle();
    const waiting = summary({
      id: 'c00000000000000000000009',
      state: 'queued',
      agent: null,
      lastSeq: 1,
      assignedAt: null,
    });
    fire('conversations:updated', [
      waiting,
      summary({ state: 'closed', lastSeq: 3, closedAt: '2025-01-01T10:09:00.000Z' }),
    ]);
    expect(state.lists.value.queue.map((s) => s.id)).toEqual([waiting.id]);
    expect(state.lists.value.closed.map((s) => s.id)).toEqual([CONVERSATION_ID]);
    // A frame gathered before the close says the chat was still assigned: it changes nothing.
    fire('conversations:updated', [summary({ lastSeq: 2 })]);
    expect(state.lists.value.mine).toEqual([]);
    expect(state.lists.value.closed.map((s) => s.id)).toEqual([CONVERSATION_ID]);
  });

  it('[P21] sends a file on a plain-http address too, where the browser has no crypto.randomUUID', async () => {
    const sentFile = message(3, {
      author: { type: 'agent', id: ME.id, name: ME.name },
      text: 'invoice.pdf',
      clientMsgId: 'x',
    });
    const { state, fire, sent } = setup({
      'message:send': (input) => ({ ...sentFile, clientMsgId: input.clientMsgId }),
    });
    await state.start();
    fire('connect');
    await settle();
    state.openConversation(CONVERSATION_ID);
    await settle();
    const uploaded = { id: 'f1', name: 'invoice.pdf', type: 'application/pdf', size: 3 };
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ ok: true, data: uploaded }), { status: 201 })),
    );
    const randomUUID = crypto.randomUUID;
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      await state.sendFile(new File(['pdf'], 'invoice.pdf', { type: 'application/pdf' }));
      await settle();
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: randomUUID, configurable: true });
      vi.unstubAllGlobals();
    }
    expect(state.error.value).toBeNull();
    const send = sent.find((c) => c.name === 'message:send');
    expect(send?.input).toMatchObject({
      conversationId: CONVERSATION_ID,
      attachmentId: 'f1',
      text: 'invoice.pdf',
    });
    expect(send?.input.clientMsgId).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  describe('taking a queued chat', () => {
    const queued = summary({ state: 'queued', agent: null, lastSeq: 1, assignedAt: null });
    const listQueue: Handler = (input) => ({ items: input.box === 'queue' ? [queued] : [] });

    it('moves the taken chat to Mine and opens it', async () => {
      const { state, fire, sent } = setup({
        'conversations:list': listQueue,
        'conversation:take': () => summary({ lastSeq: 2 }),
      });
      await state.start();
      fire('connect');
      await settle();
      expect(state.lists.value.queue.map((s) => s.id)).toEqual([CONVERSATION_ID]);
      await state.takeConversation(CONVERSATION_ID);
      await settle();
      expect(sent.find((c) => c.name === 'conversation:take')?.input).toEqual({
        conversationId: CONVERSATION_ID,
      });
      expect(state.lists.value.queue).toEqual([]);
      expect(state.lists.value.mine.map((s) => s.id)).toEqual([CONVERSATION_ID]);
      expect(state.box.value).toBe('mine');
      expect(state.currentId.value).toBe(CONVERSATION_ID);
      expect(state.current.value?.state).toBe('assigned');
      expect(state.messages.value.map((m) => m.seq)).toEqual([1, 2]);
      expect(state.takingId.value).toBeNull();
    });

    it("shows the server's CONFLICT message and leaves the lists to the notifications", async () => {
      const message = 'This conversation has already been taken';
      const { state, fire } = setup({
        'conversations:list': listQueue,
        'conversation:take': () => new Refusal({ code: 'CONFLICT', message }),
      });
      await state.start();
      fire('connect');
      await settle();
      await state.takeConversation(CONVERSATION_ID);
      expect(state.error.value).toBe(message);
      expect(state.lists.value.queue.map((s) => s.id)).toEqual([CONVERSATION_ID]);
      expect(state.box.value).toBe('queue');
      expect(state.currentId.value).toBeNull();
      // The winner's assignment then arrives as a notification and empties the queue.
      fire(
        'conversation:updated',
        summary({ agent: { id: 'a00000000000000000000002', name: 'Bo' }, lastSeq: 2 }),
      );
      expect(state.lists.value.queue).toEqual([]);
      expect(state.lists.value.mine).toEqual([]);
    });
  });

  describe('replying to a left message [RT18]', () => {
    const left = summary({ state: 'offline', agent: null, lastSeq: 2, queuedAt: null, assignedAt: null });
    const listOffline: Handler = (input) => ({ items: input.box === 'offline' ? [left] : [] });

    it('reopens it and opens it under Mine', async () => {
      const { state, fire, sent } = setup({
        'conversations:list': listOffline,
        'conversation:reopen': () => summary({ lastSeq: 3 }),
      });
      await state.start();
      fire('connect');
      await settle();
      state.selectBox('offline');
      await state.reopenConversation(CONVERSATION_ID);
      await settle();
      expect(sent.find((c) => c.name === 'conversation:reopen')?.input).toEqual({
        conversationId: CONVERSATION_ID,
      });
      expect(state.lists.value.offline).toEqual([]);
      expect(state.lists.value.mine.map((s) => s.id)).toEqual([CONVERSATION_ID]);
      expect(state.box.value).toBe('mine');
      expect(state.currentId.value).toBe(CONVERSATION_ID);
    });

    it("shows the server's CONFLICT message and keeps the message listed", async () => {
      const message = 'The visitor has an open conversation; answer there';
      const { state, fire } = setup({
        'conversations:list': listOffline,
        'conversation:reopen': () => new Refusal({ code: 'CONFLICT', message }),
      });
      await state.start();
      fire('connect');
      await settle();
      await state.reopenConversation(CONVERSATION_ID);
      expect(state.error.value).toBe(message);
      expect(state.lists.value.offline.map((s) => s.id)).toEqual([CONVERSATION_ID]);
      expect(state.currentId.value).toBeNull();
    });
  });

  it('[P12] adds an internal note with note:add, never with message:send', async () => {
    const { state, fire, sent } = setup({
      'note:add': (input) =>
        message(3, {
          kind: 'note',
          author: { type: 'agent', id: ME.id, name: ME.name },
          text: String(input.text),
          clientMsgId: String(input.clientMsgId),
        }),
    });
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    expect(state.addNote(' VIP: refund approved ')).toBe(true);
    expect(state.pending.value.map((p) => [p.kind, p.text])).toEqual([['note', 'VIP: refund approved']]);
    await settle();
    expect(sent.filter((c) => c.name === 'message:send')).toEqual([]);
    expect(sent.find((c) => c.name === 'note:add')?.input).toMatchObject({
      conversationId: CONVERSATION_ID,
      text: 'VIP: refund approved',
    });
    expect(state.messages.value.at(-1)?.kind).toBe('note');
    expect(state.pending.value).toEqual([]);
  });

  it('[RT16] transfers the open conversation, which then leaves Mine', async () => {
    const colleague = { id: 'a00000000000000000000002', name: 'Bo' };
    const { state, fire, sent } = setup({
      'conversation:transfer': () => summary({ agent: colleague, lastSeq: 3 }),
    });
    await state.start();
    fire('connect');
    await settle();
    state.openConversation(CONVERSATION_ID);
    await settle();
    await state.transferConversation({ type: 'agent', agentId: colleague.id }, ' ');
    expect(sent.find((c) => c.name === 'conversation:transfer')?.input).toEqual({
      conversationId: CONVERSATION_ID,
      to: { type: 'agent', agentId: colleague.id },
    });
    expect(state.lists.value.mine).toEqual([]);
  });

  it('[RT16] rejects a refused transfer for the dialog to show, and changes nothing', async () => {
    const { state, fire } = setup({
      'conversation:transfer': () => new Refusal({ code: 'CONFLICT', message: 'Bo cannot take chats now' }),
    });
    await state.start();
    fire('connect');
    await settle();
    state.openConversation(CONVERSATION_ID);
    await settle();
    await expect(
      state.transferConversation({ type: 'agent', agentId: 'a00000000000000000000002' }, ''),
    ).rejects.toThrow('Bo cannot take chats now');
    expect(state.lists.value.mine.map((s) => s.id)).toEqual([CONVERSATION_ID]);
  });

  it('returns to the sign-in form when the handshake is refused as UNAUTHORIZED', async () => {
    const { state, fire } = setup();
    await state.start();
    fire(
      'connect_error',
      Object.assign(new Error('refused'), { data: { code: 'UNAUTHORIZED', message: 'no' } }),
    );
    expect(state.session.value).toBe('signed-out');
    expect(state.signInNotice.value).toBe('Your session has ended. Sign in again.');
  });

  describe('[P25] when the session may have ended', () => {
    /** The console over a session that stands until the test ends it; `meCalls` counts the checks. */
    function withSession(handlers: Record<string, Handler> = {}, api = {}) {
      const session = { profile: ME as AgentProfile | null, meCalls: 0 };
      const me = async () => {
        session.meCalls++;
        return session.profile;
      };
      return { session, ...setup(handlers, memoryBackend(), { me, ...api }) };
    }

    it('shows the sign-in form with the notice when the server ended the socket and the session is gone', async () => {
      const { state, fire, session, connectCalls } = withSession();
      await state.start();
      fire('connect');
      await settle();
      session.profile = null;
      fire('disconnect', 'io server disconnect');
      await settle();
      expect(state.session.value).toBe('signed-out');
      expect(state.signInNotice.value).toBe('Your session has ended. Sign in again.');
      expect(state.me.value).toBeNull();
      expect(state.lists.value.mine).toEqual([]);
      expect(session.meCalls).toBe(2);
      expect(connectCalls()).toBe(0);
    });

    it('reconnects once, after one check, when the session still stands', async () => {
      const { state, fire, session, connectCalls } = withSession();
      await state.start();
      fire('connect');
      await settle();
      fire('disconnect', 'io server disconnect');
      await settle();
      expect(state.session.value).toBe('signed-in');
      expect(session.meCalls).toBe(2);
      expect(connectCalls()).toBe(1);
    });

    it('checks the session once when commands are refused as UNAUTHORIZED, and signs out when it is gone', async () => {
      const { state, fire, session } = withSession({ 'status:set': () => refuse('UNAUTHORIZED') });
      await state.start();
      fire('connect');
      await settle();
      session.profile = null;
      await Promise.all([state.setStatus('away'), state.setStatus('online')]);
      await settle();
      expect(session.meCalls).toBe(2);
      expect(state.session.value).toBe('signed-out');
      expect(state.signInNotice.value).toBe('Your session has ended. Sign in again.');
    });

    it('signs out everywhere with its own notice even when the server ends the socket before it answers', async () => {
      const answer = deferred<void>();
      const { state, fire, session } = withSession({}, { logoutEverywhere: () => answer.promise });
      await state.start();
      fire('connect');
      await settle();
      const signingOut = state.signOutEverywhere();
      session.profile = null;
      fire('disconnect', 'io server disconnect');
      await settle();
      expect(state.session.value).toBe('signed-in');
      answer.resolve();
      await signingOut;
      expect(state.session.value).toBe('signed-out');
      expect(state.signInNotice.value).toBe('You are signed out on every device.');
    });

    it('keeps the agent signed in and rejects for the dialog when signing out everywhere fails', async () => {
      const failure = new ConsoleError('UNAVAILABLE', 'Cannot reach the Hovor server.');
      const { state, fire } = withSession({}, { logoutEverywhere: () => Promise.reject(failure) });
      await state.start();
      fire('connect');
      await settle();
      await expect(state.signOutEverywhere()).rejects.toBe(failure);
      expect(state.session.value).toBe('signed-in');
    });

    it('rejects a wrong current password as FORBIDDEN for the dialog, and stays signed in', async () => {
      const wrong = new ConsoleError('FORBIDDEN', 'The current password is wrong');
      const { state, fire, session } = withSession({}, { changePassword: () => Promise.reject(wrong) });
      await state.start();
      fire('connect');
      await settle();
      await expect(
        state.changePassword({ currentPassword: 'nope', newPassword: 'a new long password' }),
      ).rejects.toBe(wrong);
      await settle();
      expect(state.session.value).toBe('signed-in');
      expect(session.meCalls).toBe(1);
    });
  });

  it('shows the error of a failed command instead of swallowing it', async () => {
    const { state, fire } = setup({
      'status:set': () => {
        throw new Error('unreachable');
      },
    });
    await state.start();
    fire('connect');
    await state.setStatus('away');
    expect(state.error.value).toMatch(/did not answer "status:set"/);
    expect(state.me.value?.status).toBe('online');
  });
});
