import { OUTBOX_GIVE_UP_MS } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChatState } from './chat-state.js';
import { createOutbox, outboxKey } from './outbox.js';
import { WidgetError } from './retry.js';
import type { KeyValueStore } from './storage.js';

const SITE = 'test-site';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: (key) => data.get(key) ?? null,
    set: (key, value) => void data.set(key, value),
    remove: (key) => void data.delete(key),
  };
}

/** A page: its state, and an outbox whose sends the test answers one by one. */
function page(store: KeyValueStore, options: { isConnected?: boolean } = {}) {
  const state = createChatState();
  const sent: Array<{ clientMsgId: string; text: string }> = [];
  const answers: Array<(error?: Error) => void> = [];
  let isConnected = options.isConnected ?? true;
  const onConnect: Array<() => void> = [];
  const outbox = createOutbox({
    state,
    store,
    siteKey: SITE,
    send: (clientMsgId, text) => {
      sent.push({ clientMsgId, text });
      return new Promise<void>((resolve, reject) => {
        answers.push((error) => {
          if (error) return reject(error);
          state.update((s) => ({ ...s, pending: s.pending.filter((p) => p.clientMsgId !== clientMsgId) }));
          resolve();
        });
      });
    },
    connected: () => (isConnected ? Promise.resolve() : new Promise((resolve) => onConnect.push(resolve))),
    random: () => 1,
  });
  const stop = outbox.start();
  return {
    state,
    outbox,
    sent,
    stop,
    /** Answers the oldest unanswered send. */
    answer: async (error?: Error) => {
      answers.shift()?.(error);
      await vi.advanceTimersByTimeAsync(0);
    },
    connect: async () => {
      isConnected = true;
      for (const resolve of onConnect.splice(0)) resolve();
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

/** The texts the tabs of the site have stored, in their stored order. */
const storedTexts = (store: ReturnType<typeof memoryStore>) =>
  (JSON.parse(store.data.get(outboxKey(SITE)) ?? '[]') as Array<{ text: string }>).map((p) => p.text);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the widget outbox', () => {
  it('[P16] keeps unsent messages across a reload and sends them after it, in order, under the same ids', async () => {
    const store = memoryStore();
    const before = page(store, { isConnected: false });
    before.outbox.add('client-msg-1', 'one');
    before.outbox.add('client-msg-2', 'two');
    await vi.advanceTimersByTimeAsync(0);
    expect(before.sent).toEqual([]);
    before.stop();

    const after = page(store);
    expect(after.state.get().pending.map((p) => p.text)).toEqual(['one', 'two']);
    after.outbox.retryAll();
    await vi.advanceTimersByTimeAsync(0);
    // One at a time: the second waits for the first's ack.
    expect(after.sent).toEqual([{ clientMsgId: 'client-msg-1', text: 'one' }]);
    await after.answer();
    expect(after.sent.map((s) => s.clientMsgId)).toEqual(['client-msg-1', 'client-msg-2']);
    await after.answer();
    expect(after.state.get().pending).toEqual([]);
    expect(store.data.has(outboxKey(SITE))).toBe(false);
  });

  it('[P16] resends a message whose ack was lost, with growing waits, under the same clientMsgId', async () => {
    const p = page(memoryStore());
    p.outbox.add('client-msg-1', 'hello');
    await vi.advanceTimersByTimeAsync(0);
    await p.answer(new WidgetError('UNAVAILABLE', 'no answer'));
    expect(p.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(p.sent).toHaveLength(2);
    await p.answer(new WidgetError('UNAVAILABLE', 'no answer'));
    await vi.advanceTimersByTimeAsync(999);
    expect(p.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(p.sent.map((s) => s.clientMsgId)).toEqual(['client-msg-1', 'client-msg-1', 'client-msg-1']);
    await p.answer();
    expect(p.state.get().pending).toEqual([]);
  });

  it('[A4] resends a RATE_LIMITED message no sooner than the retryAfterMs the server asked for', async () => {
    const p = page(memoryStore());
    p.outbox.add('client-msg-1', 'hello');
    await vi.advanceTimersByTimeAsync(0);
    await p.answer(new WidgetError('RATE_LIMITED', 'slow down', { retryAfterMs: 3_000 }));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(p.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(p.sent.map((s) => s.clientMsgId)).toEqual(['client-msg-1', 'client-msg-1']);
    await p.answer();
    expect(p.state.get().pending).toEqual([]);
  });

  it('[P16] shows the message and those after it as failed after the give-up time, and a retry sends them again', async () => {
    const p = page(memoryStore());
    p.outbox.add('client-msg-1', 'one');
    p.outbox.add('client-msg-2', 'two');
    await vi.advanceTimersByTimeAsync(0);
    for (let elapsed = 0; elapsed <= OUTBOX_GIVE_UP_MS; elapsed += 1_000) {
      await p.answer(new WidgetError('UNAVAILABLE', 'no answer'));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    await p.answer(new WidgetError('UNAVAILABLE', 'no answer'));
    expect(p.state.get().pending.map((m) => m.isFailed)).toEqual([true, true]);
    const attempts = p.sent.length;
    expect(p.sent.every((s) => s.clientMsgId === 'client-msg-1')).toBe(true);

    p.outbox.retryAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(p.state.get().pending.map((m) => m.isFailed)).toEqual([false, false]);
    expect(p.sent).toHaveLength(attempts + 1);
    await p.answer();
    await p.answer();
    expect(p.state.get().pending).toEqual([]);
  });

  it('[P16] marks a refused message failed at once and goes on with the next', async () => {
    const p = page(memoryStore());
    p.outbox.add('client-msg-1', 'one');
    p.outbox.add('client-msg-2', 'two');
    await vi.advanceTimersByTimeAsync(0);
    await p.answer(new WidgetError('CONFLICT', 'ended'));
    expect(p.state.get().pending.find((m) => m.clientMsgId === 'client-msg-1')?.isFailed).toBe(true);
    expect(p.sent.map((s) => s.clientMsgId)).toEqual(['client-msg-1', 'client-msg-2']);
  });

  it('[P16] waits for the connection instead of spending attempts, failed once offline too long', async () => {
    const p = page(memoryStore(), { isConnected: false });
    p.outbox.add('client-msg-1', 'one');
    await vi.advanceTimersByTimeAsync(OUTBOX_GIVE_UP_MS - 1);
    expect(p.state.get().pending[0]?.isFailed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(p.state.get().pending[0]?.isFailed).toBe(true);
    expect(p.sent).toEqual([]);
    await p.connect();
    p.outbox.retryAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(p.sent).toHaveLength(1);
  });

  it('[P16] keeps what another tab stored, so closing one tab offline loses nothing', async () => {
    const store = memoryStore();
    const stored = () => storedTexts(store);
    const second = page(store, { isConnected: false });
    const first = page(store, { isConnected: false });
    first.outbox.add('client-msg-a', 'from the first tab');
    second.outbox.add('client-msg-b', 'from the second tab');
    await vi.advanceTimersByTimeAsync(0);
    expect(stored()).toEqual(['from the first tab', 'from the second tab']);
    first.stop(); // closed before it was back online

    await second.connect();
    expect(second.sent.map((m) => m.text)).toEqual(['from the second tab']);
    await second.answer();
    expect(stored()).toEqual(['from the first tab']);

    const next = page(store);
    next.outbox.retryAll(); // as on connect
    await vi.advanceTimersByTimeAsync(0);
    expect(next.sent).toEqual([{ clientMsgId: 'client-msg-a', text: 'from the first tab' }]);
  });

  it('[P16] keeps the order written across tabs, and lets what another tab sent or forgot leave this one', async () => {
    const store = memoryStore();
    const stored = () => storedTexts(store);
    const first = page(store, { isConnected: false });
    const second = page(store, { isConnected: false });
    first.outbox.add('client-msg-a1', 'a1');
    vi.advanceTimersByTime(10);
    second.outbox.add('client-msg-b1', 'b1');
    vi.advanceTimersByTime(10);
    first.outbox.add('client-msg-a2', 'a2');
    await vi.advanceTimersByTimeAsync(0);
    expect(stored()).toEqual(['a1', 'b1', 'a2']);

    // A third tab, opened now, holds all three; the first sends its two.
    const third = page(store, { isConnected: false });
    await first.connect();
    await first.answer();
    await first.answer();
    expect(stored()).toEqual(['b1']);
    third.outbox.storedChanged(); // the browser's `storage` event
    expect(third.state.get().pending.map((p) => p.text)).toEqual(['b1']);
    third.outbox.add('client-msg-c1', 'c1');
    expect(stored()).toEqual(['b1', 'c1']); // a1 and a2 are not written back

    // A reset forgets what every tab stored.
    third.outbox.forgetStored();
    third.state.update((s) => ({ ...s, pending: [] }));
    expect(store.data.has(outboxKey(SITE))).toBe(false);
    second.outbox.storedChanged();
    expect(second.state.get().pending).toEqual([]);
  });

  it('ignores a stored outbox that is not what the widget writes', () => {
    const store = memoryStore();
    store.set(outboxKey(SITE), '{"not":"a list"');
    expect(page(store).state.get().pending).toEqual([]);
    store.set(outboxKey(SITE), JSON.stringify([{ clientMsgId: 'x', text: 'too short an id' }]));
    expect(page(store).state.get().pending).toEqual([]);
    store.set(outboxKey(SITE), JSON.stringify([null]));
    expect(page(store).state.get().pending).toEqual([]);
  });

  it('restores what an earlier version stored, without the time it was written', () => {
    const store = memoryStore();
    store.set(outboxKey(SITE), JSON.stringify([{ clientMsgId: 'client-msg-old', text: 'from before' }]));
    expect(page(store).state.get().pending).toEqual([
      { clientMsgId: 'client-msg-old', text: 'from before', isFailed: false },
    ]);
  });
});
