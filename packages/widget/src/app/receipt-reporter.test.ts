import type { Ack, Message, Receipt, SetReceiptInput, VisitorConversation } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChatState, INITIAL_SNAPSHOT, withConversation, withMessages } from './chat-state.js';
import { createReceiptReporter, RECEIPT_DEBOUNCE_MS } from './receipt-reporter.js';

const conversation: VisitorConversation = {
  id: 'c1',
  state: 'assigned',
  agent: { id: 'a1', name: 'Alice' },
  lastSeq: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  closedAt: null,
};
const agentMessage = (seq: number): Message => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  kind: 'text',
  author: { type: 'agent', id: 'a1', name: 'Alice' },
  text: `hello ${seq}`,
  event: null,
  attachment: null,
  clientMsgId: `agent-msg-${seq}`,
  createdAt: '2026-01-01T00:00:00.000Z',
});

function setup(options: { isVisible?: boolean; answer?: 'ok' | 'error' } = {}) {
  const state = createChatState(withConversation(INITIAL_SNAPSHOT, conversation));
  const sent: SetReceiptInput[] = [];
  const listeners = { opened: [] as Array<() => void>, closed: [] as Array<() => void> };
  const reporter = createReceiptReporter({
    state,
    host: {
      onOpened: (listener) => {
        listeners.opened.push(listener);
        return () => {};
      },
      onClosed: (listener) => {
        listeners.closed.push(listener);
        return () => {};
      },
    },
    isPageVisible: () => options.isVisible ?? true,
    send: () => async (input) => {
      sent.push(input);
      const ack: Ack<Receipt> =
        options.answer === 'error'
          ? { ok: false, error: { code: 'UNAVAILABLE', message: 'later' } }
          : { ok: true, data: { ...input, side: 'visitor' } };
      return ack;
    },
  });
  const receive = async (seq: number) => {
    state.update((s) => withMessages(s, [agentMessage(seq)]));
    await vi.advanceTimersByTimeAsync(RECEIPT_DEBOUNCE_MS);
  };
  return {
    reporter,
    sent,
    receive,
    open: () => {
      for (const listener of listeners.opened) listener();
    },
    close: () => {
      for (const listener of listeners.closed) listener();
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the widget’s receipts', () => {
  it('[P13] reports what arrived as delivered, and as read only while the chat is open', async () => {
    const t = setup();
    await t.receive(1);
    expect(t.sent).toEqual([{ conversationId: 'c1', deliveredSeq: 1, readSeq: 0 }]);
    t.open();
    await vi.advanceTimersByTimeAsync(RECEIPT_DEBOUNCE_MS);
    expect(t.sent.at(-1)).toEqual({ conversationId: 'c1', deliveredSeq: 1, readSeq: 1 });
    t.close();
    await t.receive(2);
    expect(t.sent.at(-1)).toEqual({ conversationId: 'c1', deliveredSeq: 2, readSeq: 1 });
    t.reporter.dispose();
  });

  it('[P13] debounces a burst into one report and never repeats one the server took', async () => {
    const t = setup();
    t.reporter.report();
    t.reporter.report();
    await t.receive(1);
    await t.receive(1);
    expect(t.sent).toHaveLength(1);
    t.reporter.dispose();
  });

  it('[P13] reads nothing while the page is hidden, and reports again after a refused report', async () => {
    const t = setup({ isVisible: false, answer: 'error' });
    t.open();
    await t.receive(1);
    expect(t.sent).toEqual([{ conversationId: 'c1', deliveredSeq: 1, readSeq: 0 }]);
    t.reporter.report();
    await vi.advanceTimersByTimeAsync(RECEIPT_DEBOUNCE_MS);
    expect(t.sent).toHaveLength(2);
    t.reporter.dispose();
  });
});
