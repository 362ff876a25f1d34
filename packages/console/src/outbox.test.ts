import { type Message, OUTBOX_GIVE_UP_MS, resendDelayMs } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutbox, GAVE_UP_TEXT } from './outbox';
import { outboxStorageKey } from './outbox-storage';
import { createSafeStorage } from './storage';
import {
  COLLEAGUE,
  CONVERSATION_ID,
  deferred,
  fakeSocket,
  type Handler,
  ME,
  memoryBackend,
  mine,
  OTHER_CONVERSATION_ID,
  Refusal,
  refuse,
} from './test-fakes';

/** A server that stores each clientMsgId once and answers a repeat with the stored message [P5]. */
function fakeServer() {
  const stored: Message[] = [];
  const store: Handler = (input) => {
    const held = stored.find((m) => m.clientMsgId === input.clientMsgId);
    if (held) return held;
    const seq = stored.length + 3;
    const kept = mine(seq, {
      id: `m${seq}`,
      conversationId: String(input.conversationId),
      clientMsgId: String(input.clientMsgId),
      text: String(input.text),
    });
    stored.push(kept);
    return kept;
  };
  return { stored, store };
}

const lostAnswer: Handler = () => {
  throw new Error('operation has timed out');
};

function setup({
  backend = memoryBackend(),
  handlers = {},
  random = () => 0.5,
}: {
  backend?: Storage;
  handlers?: Record<string, Handler>;
  random?: () => number;
} = {}) {
  const fake = fakeSocket(handlers);
  const confirmed: Message[] = [];
  const outbox = createOutbox({
    storage: createSafeStorage(() => backend),
    requireSocket: () => fake.socket,
    onSent: (m) => confirmed.push(m),
    random,
  });
  outbox.load(ME.id);
  return { outbox, backend, confirmed, ...fake };
}

const flush = () => vi.advanceTimersByTimeAsync(0);
const texts = (inputs: Record<string, unknown>[]) => inputs.map((i) => i.text);
const stored = (backend: Storage, agentId = ME.id) =>
  JSON.parse(backend.getItem(outboxStorageKey(agentId)) ?? '[]') as Record<string, unknown>[];

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createOutbox', () => {
  it('[P16] persists only the allowlisted fields, under a key of the signed-in agent', () => {
    const { outbox, backend } = setup();
    outbox.queue(CONVERSATION_ID, 'text', 'Hello Ada');
    const [entry] = stored(backend);
    expect(Object.keys(entry ?? {}).sort()).toEqual([
      'clientMsgId',
      'conversationId',
      'createdAt',
      'kind',
      'text',
    ]);
    expect(entry).toMatchObject({ conversationId: CONVERSATION_ID, kind: 'text', text: 'Hello Ada' });
    expect(stored(backend, COLLEAGUE.id)).toEqual([]);
  });

  it('[P16][P5] restores the outbox after a reload and sends it again under the same clientMsgIds', async () => {
    const backend = memoryBackend();
    const before = setup({ backend });
    before.outbox.queue(CONVERSATION_ID, 'text', 'Hello Ada');
    before.outbox.queue(CONVERSATION_ID, 'note', 'VIP customer');
    const ids = before.outbox.pending.value.map((p) => p.clientMsgId);
    before.outbox.unload(); // the page goes away before anything was sent

    const server = fakeServer();
    const after = setup({ backend, handlers: { 'message:send': server.store, 'note:add': server.store } });
    expect(after.outbox.pending.value.map((p) => [p.clientMsgId, p.kind, p.text, p.status])).toEqual([
      [ids[0], 'text', 'Hello Ada', 'sending'],
      [ids[1], 'note', 'VIP customer', 'sending'],
    ]);
    after.outbox.resume();
    await flush();
    expect(after.sent.map((c) => [c.name, c.input.clientMsgId])).toEqual([
      ['message:send', ids[0]],
      ['note:add', ids[1]],
    ]);
    expect(after.outbox.pending.value).toEqual([]);
    expect(backend.getItem(outboxStorageKey(ME.id))).toBeNull();
  });

  it('[P16][P5] keeps what another tab of the agent stored, so closing one tab offline loses nothing', async () => {
    const backend = memoryBackend();
    const first = setup({ backend });
    const second = setup({ backend });
    first.outbox.queue(CONVERSATION_ID, 'text', 'From the first tab');
    vi.advanceTimersByTime(5);
    second.outbox.queue(CONVERSATION_ID, 'text', 'From the second tab');
    second.outbox.queue(OTHER_CONVERSATION_ID, 'note', 'Noted in the second tab');
    expect(stored(backend).map((e) => e.text)).toEqual([
      'From the first tab',
      'From the second tab',
      'Noted in the second tab',
    ]);
    // The second tab's reply is acked; the first tab is closed before its own one was.
    const server = fakeServer();
    second.handlers['message:send'] = server.store;
    second.outbox.resume();
    await flush();
    expect(stored(backend).map((e) => e.text)).toEqual(['From the first tab', 'Noted in the second tab']);
    first.outbox.unload();

    // The next page of the agent sends what is left, each message once.
    const again = setup({ backend, handlers: { 'message:send': server.store, 'note:add': server.store } });
    expect(again.outbox.pending.value.map((p) => p.text)).toEqual([
      'From the first tab',
      'Noted in the second tab',
    ]);
    again.outbox.resume();
    await flush();
    expect(server.stored.map((m) => m.text)).toEqual([
      'From the second tab',
      'From the first tab',
      'Noted in the second tab',
    ]);
    expect(backend.getItem(outboxStorageKey(ME.id))).toBeNull();
  });

  it('[P16] lets a message discarded or stored in one tab leave the others, and never writes it back', async () => {
    const backend = memoryBackend();
    const first = setup({ backend });
    first.outbox.queue(CONVERSATION_ID, 'text', 'Refused somewhere');
    first.outbox.queue(OTHER_CONVERSATION_ID, 'text', 'Stored somewhere');
    const [refused, storedOne] = first.outbox.pending.value.map((p) => p.clientMsgId);
    const second = setup({ backend }); // signed in on another tab: holds both
    expect(second.outbox.pending.value).toHaveLength(2);

    first.outbox.drop(refused!);
    const server = fakeServer();
    first.handlers['message:send'] = server.store;
    first.outbox.resume();
    await flush();
    expect(stored(backend)).toEqual([]);
    second.outbox.storedChanged(); // the browser's `storage` event
    expect(second.outbox.pending.value).toEqual([]);
    // The second tab's next write keeps them out.
    second.outbox.queue(CONVERSATION_ID, 'text', 'Later');
    expect(stored(backend).map((e) => e.text)).toEqual(['Later']);
    expect(second.sent).toEqual([]);
    expect(server.stored.map((m) => m.clientMsgId)).toEqual([storedOne]);
  });

  it('[P16] drops unreadable stored entries and keeps the valid ones, without their extra keys', () => {
    const backend = memoryBackend();
    const valid = {
      clientMsgId: 'abcdef12-3456',
      conversationId: CONVERSATION_ID,
      kind: 'text',
      text: 'Kept',
      createdAt: '2025-01-01T10:00:00.000Z',
    };
    backend.setItem(
      outboxStorageKey(ME.id),
      JSON.stringify([{ ...valid, error: 'old', token: 'secret' }, { ...valid, conversationId: 'x' }, 42]),
    );
    const { outbox } = setup({ backend });
    expect(outbox.pending.value).toEqual([{ ...valid, status: 'sending', error: null }]);

    backend.setItem(outboxStorageKey(ME.id), '[{"truncated');
    outbox.load(ME.id);
    expect(outbox.pending.value).toEqual([]);
  });

  it('[P16] keeps working in memory when storage throws', async () => {
    const blocked = memoryBackend();
    blocked.setItem = () => {
      throw new DOMException('quota exceeded', 'QuotaExceededError');
    };
    const server = fakeServer();
    const { outbox } = setup({ backend: blocked, handlers: { 'message:send': server.store } });
    outbox.queue(CONVERSATION_ID, 'text', 'Hello');
    expect(outbox.pending.value.map((p) => p.text)).toEqual(['Hello']);
    outbox.resume();
    await flush();
    expect(server.stored.map((m) => m.text)).toEqual(['Hello']);
    expect(outbox.pending.value).toEqual([]);
  });

  it('[P16] sends the messages of a conversation in order, the next only once the one before is acked', async () => {
    const answers: ReturnType<typeof deferred>[] = [];
    const server = fakeServer();
    const { outbox, sentOf } = setup({
      handlers: {
        'message:send': (input) => {
          const answer = deferred();
          answers.push(answer);
          return answer.promise.then(() => server.store(input));
        },
      },
    });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'first');
    outbox.queue(CONVERSATION_ID, 'text', 'second');
    outbox.queue(OTHER_CONVERSATION_ID, 'text', 'elsewhere');
    await flush();
    // Another conversation does not wait for this one.
    expect(texts(sentOf('message:send'))).toEqual(['first', 'elsewhere']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(texts(sentOf('message:send'))).toEqual(['first', 'elsewhere']);
    answers[0]?.resolve(undefined);
    await flush();
    expect(texts(sentOf('message:send'))).toEqual(['first', 'elsewhere', 'second']);
    expect(outbox.pending.value.map((p) => p.text)).toEqual(['second', 'elsewhere']);
  });

  it('[P16] resends a lost answer with jittered, growing delays under the same clientMsgId', async () => {
    const randoms = [0, 1, 0.5];
    const times: number[] = [];
    const server = fakeServer();
    const { outbox, sentOf, confirmed } = setup({
      random: () => randoms.shift() ?? 0,
      handlers: {
        'message:send': (input) => {
          times.push(Date.now());
          if (times.length <= 3) throw new Error('operation has timed out');
          return server.store(input);
        },
      },
    });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'Hello');
    await vi.advanceTimersByTimeAsync(10_000);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps).toEqual([resendDelayMs(1, () => 0), resendDelayMs(2, () => 1), resendDelayMs(3, () => 0.5)]);
    expect(gaps).toEqual([250, 1000, 1500]);
    expect(new Set(sentOf('message:send').map((i) => i.clientMsgId)).size).toBe(1);
    expect(confirmed.map((m) => m.text)).toEqual(['Hello']);
    expect(outbox.pending.value).toEqual([]);
  });

  it('[A4] resends a RATE_LIMITED message no sooner than the retryAfterMs the server asked for', async () => {
    const times: number[] = [];
    const server = fakeServer();
    const { outbox, confirmed } = setup({
      random: () => 1,
      handlers: {
        'message:send': (input) => {
          times.push(Date.now());
          if (times.length === 1) {
            return new Refusal({ code: 'RATE_LIMITED', message: 'Too many requests', retryAfterMs: 4_000 });
          }
          return server.store(input);
        },
      },
    });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'Hello');
    await vi.advanceTimersByTimeAsync(3_999);
    expect(times).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBe(4_000);
    expect(confirmed.map((m) => m.text)).toEqual(['Hello']);
  });

  it('[P16] shows a message as failed after the give-up time, keeps it, and resends it on reconnect', async () => {
    const { outbox, backend, sentOf, handlers } = setup({ handlers: { 'message:send': lostAnswer } });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'Hello');
    await vi.advanceTimersByTimeAsync(OUTBOX_GIVE_UP_MS - 1);
    expect(outbox.pending.value[0]?.status).toBe('sending');
    await vi.advanceTimersByTimeAsync(1);
    expect(outbox.pending.value[0]).toMatchObject({ status: 'stalled', error: GAVE_UP_TEXT });
    // It is no longer resent on its own, but stays in the outbox, stored.
    const attempts = sentOf('message:send').length;
    await vi.advanceTimersByTimeAsync(OUTBOX_GIVE_UP_MS);
    expect(sentOf('message:send')).toHaveLength(attempts);
    expect(stored(backend).map((e) => e.text)).toEqual(['Hello']);

    handlers['message:send'] = fakeServer().store;
    outbox.pause();
    outbox.resume();
    await flush();
    expect(sentOf('message:send')).toHaveLength(attempts + 1);
    expect(outbox.pending.value).toEqual([]);
  });

  it('[P16] sends a failed message again when the agent presses Retry', async () => {
    const { outbox, sentOf, handlers } = setup({ handlers: { 'message:send': lostAnswer } });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'Hello');
    await vi.advanceTimersByTimeAsync(OUTBOX_GIVE_UP_MS);
    const clientMsgId = outbox.pending.value[0]?.clientMsgId ?? '';
    handlers['message:send'] = fakeServer().store;
    const attempts = sentOf('message:send').length;
    outbox.retry(clientMsgId);
    expect(outbox.pending.value[0]).toMatchObject({ status: 'sending', error: null });
    await flush();
    expect(
      sentOf('message:send')
        .slice(attempts)
        .map((i) => i.clientMsgId),
    ).toEqual([clientMsgId]);
    expect(outbox.pending.value).toEqual([]);
  });

  it('[P16] pauses while disconnected and resends at once, in order, on reconnect', async () => {
    const server = fakeServer();
    let isUp = false;
    const { outbox, sentOf } = setup({
      handlers: {
        'message:send': (input) => {
          if (!isUp) throw new Error('socket has been disconnected');
          return server.store(input);
        },
      },
    });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'first');
    outbox.queue(CONVERSATION_ID, 'text', 'second');
    await flush();
    outbox.pause();
    outbox.queue(CONVERSATION_ID, 'text', 'third');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(texts(sentOf('message:send'))).toEqual(['first']);

    isUp = true;
    outbox.resume();
    await flush();
    expect(texts(sentOf('message:send'))).toEqual(['first', 'first', 'second', 'third']);
    expect(server.stored.map((m) => m.text)).toEqual(['first', 'second', 'third']);
  });

  it("[P10][P11] fails a refused message at once with the server's message and sends the next one", async () => {
    const server = fakeServer();
    const { outbox, sentOf } = setup({
      handlers: {
        'message:send': (input) =>
          input.text === 'first' ? refuse('CONFLICT', 'This conversation is closed') : server.store(input),
      },
    });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'first');
    outbox.queue(CONVERSATION_ID, 'text', 'second');
    await flush();
    expect(outbox.pending.value.map((p) => [p.text, p.status, p.error])).toEqual([
      ['first', 'refused', 'This conversation is closed'],
    ]);
    expect(server.stored.map((m) => m.text)).toEqual(['second']);
    await vi.advanceTimersByTimeAsync(OUTBOX_GIVE_UP_MS * 2);
    expect(texts(sentOf('message:send'))).toEqual(['first', 'second']);
  });

  it('[P5] removes a message the server confirmed through a synced message with its clientMsgId', async () => {
    const { outbox, sentOf, backend } = setup({ handlers: { 'message:send': lostAnswer } });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'first');
    outbox.queue(CONVERSATION_ID, 'text', 'second');
    await flush();
    const [first] = outbox.pending.value;
    // The first attempt was stored, only its answer was lost; a sync brings it while waiting to resend.
    outbox.confirmed([mine(3, { clientMsgId: first?.clientMsgId ?? null, text: 'first' })]);
    expect(outbox.pending.value.map((p) => p.text)).toEqual(['second']);
    expect(stored(backend).map((e) => e.text)).toEqual(['second']);
    await flush();
    expect(texts(sentOf('message:send'))).toEqual(['first', 'second']);
  });

  it('[P5] ignores a synced message whose clientMsgId belongs to another conversation', () => {
    const { outbox } = setup();
    outbox.queue(CONVERSATION_ID, 'text', 'Hello');
    const clientMsgId = outbox.pending.value[0]?.clientMsgId ?? null;
    outbox.confirmed([mine(3, { conversationId: OTHER_CONVERSATION_ID, clientMsgId })]);
    expect(outbox.pending.value).toHaveLength(1);
  });

  it('removes a message and hands it on when its ack arrives', async () => {
    const server = fakeServer();
    const { outbox, confirmed, backend } = setup({ handlers: { 'message:send': server.store } });
    outbox.resume();
    outbox.queue(CONVERSATION_ID, 'text', 'Hello');
    await flush();
    expect(confirmed.map((m) => [m.seq, m.text])).toEqual([[3, 'Hello']]);
    expect(outbox.pending.value).toEqual([]);
    expect(backend.getItem(outboxStorageKey(ME.id))).toBeNull();
  });

  it('forgets the outbox in memory at sign-out but keeps it stored for the next sign-in', () => {
    const { outbox, backend } = setup();
    outbox.queue(CONVERSATION_ID, 'text', 'Hello');
    outbox.unload();
    expect(outbox.pending.value).toEqual([]);
    expect(stored(backend).map((e) => e.text)).toEqual(['Hello']);
    outbox.load(COLLEAGUE.id);
    expect(outbox.pending.value).toEqual([]);
  });
});
