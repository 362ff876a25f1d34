import { OUTBOX_GIVE_UP_MS } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANONYMOUS_VISITOR, settle, setupConsole as setup } from './console-fixture';
import { storedState } from './message-state';
import { outboxStorageKey } from './outbox-storage';
import { RECEIPT_REPORT_DELAY_MS } from './receipt-reporter';
import {
  CONVERSATION_ID,
  type Handler,
  ME,
  memoryBackend,
  message,
  mine,
  OTHER_CONVERSATION_ID,
  Refusal,
  refuse,
  summary,
  visitorReceipt,
} from './test-fakes';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A stored outbox of one reply, as a reload finds it. */
function storedOutbox(conversationId: string, clientMsgId: string) {
  const backend = memoryBackend();
  const entry = { clientMsgId, conversationId, kind: 'text', text: 'Sent before the reload', createdAt: '' };
  backend.setItem(outboxStorageKey(ME.id), JSON.stringify([{ ...entry, createdAt: '2025-01-01T10:00:00Z' }]));
  return backend;
}

const never: Handler = () => new Promise(() => {});

describe('resync [P16]', () => {
  it('[P16] reloads the lists and fetches the open conversation after its last seq on focus, online and page show', async () => {
    const { state, fire, page, sentOf } = setup();
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    for (const event of ['focus', 'online', 'pageshow'] as const) {
      page.fire(event);
      await settle();
    }
    expect(sentOf('conversation:open').map((i) => i.afterSeq)).toEqual([0, 2, 2, 2]);
    // Four lists on the connect and on each of the three events.
    expect(sentOf('conversations:list')).toHaveLength(16);
  });

  it('[P8] pages the open conversation from its last seq while the server has more, after a reconnect', async () => {
    const pages: Record<number, { seqs: number[]; hasMore: boolean }> = {
      0: { seqs: [1, 2], hasMore: false },
      2: { seqs: [3, 4], hasMore: true },
      4: { seqs: [5], hasMore: false },
    };
    const { state, fire, sentOf } = setup({
      'conversation:open': (input) => {
        const page = pages[Number(input.afterSeq)] ?? { seqs: [], hasMore: false };
        return {
          conversation: summary({ lastSeq: 5 }),
          messages: page.seqs.map((seq) => message(seq)),
          hasMore: page.hasMore,
          receipts: [],
          rating: null,
          pages: [],
          visitor: ANONYMOUS_VISITOR,
        };
      },
    });
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    fire('disconnect', 'transport close');
    fire('connect');
    await settle();
    expect(sentOf('conversation:open').map((i) => i.afterSeq)).toEqual([0, 2, 4]);
    expect(state.messages.value.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('waits for the reconnect instead of syncing while disconnected', async () => {
    const { state, fire, page, sentOf } = setup();
    await state.start();
    fire('connect');
    await settle();
    fire('disconnect', 'transport close');
    page.fire('online');
    await settle();
    expect(sentOf('conversations:list')).toHaveLength(4);
  });

  it('shows a failed sync in the error banner instead of swallowing it', async () => {
    const { state, fire, page, handlers } = setup();
    await state.start();
    fire('connect');
    await settle();
    handlers['conversations:list'] = () =>
      refuse('UNAVAILABLE', 'The database cannot be reached; retry shortly.');
    page.fire('focus');
    await settle();
    expect(state.error.value).toBe('The database cannot be reached; retry shortly.');
  });
});

describe('the outbox in the console [P16]', () => {
  it('[P16] restores the outbox at sign-in and sends it under the same clientMsgId once connected', async () => {
    const clientMsgId = 'restored-0001';
    const backend = storedOutbox(CONVERSATION_ID, clientMsgId);
    const { state, fire, sentOf } = setup(
      { 'message:send': (input) => mine(3, { clientMsgId: String(input.clientMsgId) }) },
      backend,
    );
    await state.start();
    expect(sentOf('message:send')).toEqual([]);
    fire('connect');
    await settle();
    expect(sentOf('message:send').map((i) => i.clientMsgId)).toEqual([clientMsgId]);
    expect(backend.getItem(outboxStorageKey(ME.id))).toBeNull();
  });

  it('[P5] drops a reply when message:created for a conversation that is not open carries its clientMsgId', async () => {
    const clientMsgId = 'restored-0002';
    const backend = storedOutbox(OTHER_CONVERSATION_ID, clientMsgId);
    const { state, fire } = setup({ 'message:send': never }, backend);
    await state.start();
    fire('connect');
    await settle();
    fire('message:created', mine(7, { conversationId: OTHER_CONVERSATION_ID, clientMsgId }));
    expect(backend.getItem(outboxStorageKey(ME.id))).toBeNull();
  });

  it('[P16] shows a reply as failed after the give-up time and sends it when the connection comes back', async () => {
    const { state, fire, handlers } = setup({
      'message:send': () => {
        throw new Error('operation has timed out');
      },
    });
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    state.sendMessage('Are you there?');
    await vi.advanceTimersByTimeAsync(OUTBOX_GIVE_UP_MS);
    expect(state.pending.value.map((p) => p.status)).toEqual(['stalled']);

    handlers['message:send'] = (input) =>
      mine(3, { clientMsgId: String(input.clientMsgId), text: 'Are you there?' });
    fire('disconnect', 'transport close');
    fire('connect');
    await settle();
    expect(state.pending.value).toEqual([]);
    expect(state.messages.value.map((m) => m.text).at(-1)).toBe('Are you there?');
  });
});

describe('receipts [P13]', () => {
  it("[P13] shows the agent's reply as delivered, then read, from the open result and receipt:updated", async () => {
    const { state, fire } = setup({
      'conversation:open': () => ({
        conversation: summary({ lastSeq: 2 }),
        messages: [message(1), mine(2)],
        hasMore: false,
        receipts: [visitorReceipt(2, 1), { ...visitorReceipt(2, 2), side: 'agent' }],
        rating: null,
        pages: [],
        visitor: ANONYMOUS_VISITOR,
      }),
    });
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    const replyState = () => {
      const reply = state.messages.value.find((m) => m.seq === 2);
      return reply ? storedState(reply, ME.id, state.visitorReceipt.value) : null;
    };
    expect(replyState()).toBe('delivered');
    fire('receipt:updated', visitorReceipt(2, 2));
    expect(replyState()).toBe('read');
    fire('receipt:updated', visitorReceipt(1, 1)); // late and smaller: changes nothing
    expect(replyState()).toBe('read');
  });

  it('[P13] reports the open conversation as read while the page is visible, as delivered while hidden', async () => {
    const { state, fire, page, sentOf } = setup();
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await vi.advanceTimersByTimeAsync(RECEIPT_REPORT_DELAY_MS);
    page.visible = false;
    fire('message:created', message(3));
    await vi.advanceTimersByTimeAsync(RECEIPT_REPORT_DELAY_MS);
    page.visible = true;
    page.fire('visibilitychange');
    await vi.advanceTimersByTimeAsync(RECEIPT_REPORT_DELAY_MS);
    expect(sentOf('receipt:set')).toEqual([
      { conversationId: CONVERSATION_ID, deliveredSeq: 2, readSeq: 2 },
      { conversationId: CONVERSATION_ID, deliveredSeq: 3, readSeq: 2 },
      { conversationId: CONVERSATION_ID, deliveredSeq: 3, readSeq: 3 },
    ]);
  });

  it("[P13] reports delivery for the agent's other conversations, and nothing for a queued one", async () => {
    const queued = summary({ id: OTHER_CONVERSATION_ID, state: 'queued', agent: null });
    const { state, fire, sentOf } = setup({
      'conversations:list': (input) => ({
        items: input.box === 'mine' ? [summary()] : input.box === 'queue' ? [queued] : [],
      }),
    });
    await state.start();
    fire('connect');
    await settle();
    fire('message:created', message(3));
    fire('message:created', message(2, { conversationId: OTHER_CONVERSATION_ID }));
    await vi.advanceTimersByTimeAsync(RECEIPT_REPORT_DELAY_MS);
    expect(sentOf('receipt:set')).toEqual([{ conversationId: CONVERSATION_ID, deliveredSeq: 3, readSeq: 0 }]);
  });

  it('[P13] stays quiet when the server says the agent is no longer the assignee', async () => {
    const { state, fire, sentOf } = setup({
      'receipt:set': () =>
        new Refusal({ code: 'FORBIDDEN', message: 'Only the assigned agent reports receipts' }),
    });
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await vi.advanceTimersByTimeAsync(RECEIPT_REPORT_DELAY_MS * 10);
    expect(sentOf('receipt:set')).toHaveLength(1);
    expect(state.error.value).toBeNull();
  });
});

describe('ratings [P17]', () => {
  const rating = (conversationId: string, score: number) => ({
    conversationId,
    score,
    comment: score < 3 ? 'Too slow' : null,
    ratedAt: '2026-01-01T10:00:00.000Z',
  });

  it('[P17] shows the rating from the open result and from conversation:rated, only for the open conversation', async () => {
    const { state, fire } = setup({
      'conversation:open': () => ({
        conversation: summary({ state: 'closed' }),
        messages: [message(1)],
        hasMore: false,
        receipts: [],
        rating: rating(CONVERSATION_ID, 2),
        pages: [],
        visitor: ANONYMOUS_VISITOR,
      }),
    });
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    expect(state.rating.value).toEqual(rating(CONVERSATION_ID, 2));
    fire('conversation:rated', rating('another-conversation', 5));
    expect(state.rating.value?.score).toBe(2);
  });

  it('[P17] shows a rating that arrives while the conversation is open', async () => {
    const { state, fire } = setup();
    await state.start();
    fire('connect');
    state.openConversation(CONVERSATION_ID);
    await settle();
    expect(state.rating.value).toBeNull();
    fire('conversation:rated', rating(CONVERSATION_ID, 5));
    expect(state.rating.value?.score).toBe(5);
  });
});
