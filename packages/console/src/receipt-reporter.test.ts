import type { Receipt } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReceiptReporter, RECEIPT_REPORT_DELAY_MS } from './receipt-reporter';
import { CONVERSATION_ID, fakeSocket, type Handler, OTHER_CONVERSATION_ID, refuse } from './test-fakes';

/** Answers like the server: the stored maximum of each field [P13]. */
function receiptServer() {
  const held = new Map<string, Receipt>();
  const set: Handler = (input) => {
    const id = String(input.conversationId);
    const before = held.get(id);
    const receipt: Receipt = {
      conversationId: id,
      side: 'agent',
      deliveredSeq: Math.max(before?.deliveredSeq ?? 0, Number(input.deliveredSeq), Number(input.readSeq)),
      readSeq: Math.max(before?.readSeq ?? 0, Number(input.readSeq)),
    };
    held.set(id, receipt);
    return receipt;
  };
  return { held, set };
}

function setup(handlers: Record<string, Handler> = { 'receipt:set': receiptServer().set }) {
  const fake = fakeSocket(handlers);
  const world = {
    assigned: new Set([CONVERSATION_ID]),
    openId: CONVERSATION_ID as string | null,
    isVisible: true,
  };
  const errors: unknown[] = [];
  const reported: Receipt[] = [];
  const reporter = createReceiptReporter({
    requireSocket: () => fake.socket,
    isAssignedToMe: (id) => world.assigned.has(id),
    isShown: (id) => id === world.openId && world.isVisible,
    onReported: (receipt) => reported.push(receipt),
    showError: (cause) => errors.push(cause),
    random: () => 0.5,
  });
  reporter.resume();
  const reports = () => fake.sentOf('receipt:set');
  return { reporter, world, errors, reported, reports, ...fake };
}

const waitForReport = () => vi.advanceTimersByTimeAsync(RECEIPT_REPORT_DELAY_MS);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createReceiptReporter', () => {
  it('[P13] reports a burst of received messages once, with the highest seq, after the batching delay', async () => {
    const { reporter, reports, world } = setup();
    world.openId = null;
    reporter.noteReceived(CONVERSATION_ID, 3);
    reporter.noteReceived(CONVERSATION_ID, 5);
    await vi.advanceTimersByTimeAsync(RECEIPT_REPORT_DELAY_MS - 1);
    reporter.noteReceived(CONVERSATION_ID, 4);
    expect(reports()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports()).toEqual([{ conversationId: CONVERSATION_ID, deliveredSeq: 5, readSeq: 0 }]);
  });

  it('[P13] reports read as well when the conversation is open in a visible page', async () => {
    const { reporter, reports } = setup();
    reporter.noteReceived(CONVERSATION_ID, 4);
    await waitForReport();
    expect(reports()).toEqual([{ conversationId: CONVERSATION_ID, deliveredSeq: 4, readSeq: 4 }]);
  });

  it('[P13] reports read only once a hidden page becomes visible', async () => {
    const { reporter, reports, world } = setup();
    world.isVisible = false;
    reporter.noteReceived(CONVERSATION_ID, 4);
    await waitForReport();
    expect(reports()).toEqual([{ conversationId: CONVERSATION_ID, deliveredSeq: 4, readSeq: 0 }]);
    world.isVisible = true;
    reporter.noteShown(CONVERSATION_ID);
    await waitForReport();
    expect(reports().at(-1)).toEqual({ conversationId: CONVERSATION_ID, deliveredSeq: 4, readSeq: 4 });
  });

  it('[P13] never reports lower than already reported, and not again for nothing new', async () => {
    const { reporter, reports } = setup();
    reporter.noteReceived(CONVERSATION_ID, 7);
    await waitForReport();
    reporter.noteReceived(CONVERSATION_ID, 5);
    reporter.noteShown(CONVERSATION_ID);
    await vi.advanceTimersByTimeAsync(RECEIPT_REPORT_DELAY_MS * 10);
    expect(reports()).toEqual([{ conversationId: CONVERSATION_ID, deliveredSeq: 7, readSeq: 7 }]);
  });

  it('[P13] never reports for a conversation assigned to someone else', async () => {
    const { reporter, reports, world } = setup();
    world.openId = OTHER_CONVERSATION_ID;
    reporter.noteReceived(OTHER_CONVERSATION_ID, 3);
    await waitForReport();
    // Assigned when received, transferred before the report was due: nothing either.
    reporter.noteReceived(CONVERSATION_ID, 3);
    world.assigned.delete(CONVERSATION_ID);
    await waitForReport();
    expect(reports()).toEqual([]);
  });

  it('[P13] takes FORBIDDEN quietly (no longer the assignee) and does not insist', async () => {
    const { reporter, reports, errors } = setup({ 'receipt:set': () => refuse('FORBIDDEN') });
    reporter.noteReceived(CONVERSATION_ID, 3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports()).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('[P13] shows an error that retrying cannot fix', async () => {
    const { reporter, errors } = setup({ 'receipt:set': () => refuse('BAD_REQUEST', 'bad seq') });
    reporter.noteReceived(CONVERSATION_ID, 3);
    await waitForReport();
    expect(errors).toMatchObject([{ code: 'BAD_REQUEST', message: 'bad seq' }]);
  });

  it('[P16] resends a report whose answer was lost, after a backoff', async () => {
    const server = receiptServer();
    let calls = 0;
    const { reporter, reports, reported } = setup({
      'receipt:set': (input) => {
        calls++;
        if (calls === 1) throw new Error('operation has timed out');
        return server.set(input);
      },
    });
    reporter.noteReceived(CONVERSATION_ID, 3);
    await waitForReport();
    expect(reports()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reports()).toHaveLength(2);
    expect(reported).toMatchObject([{ deliveredSeq: 3, readSeq: 3 }]);
  });

  it('[P16] holds reports while disconnected and sends them on reconnect', async () => {
    const { reporter, reports } = setup();
    reporter.pause();
    reporter.noteReceived(CONVERSATION_ID, 3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reports()).toEqual([]);
    reporter.resume();
    await waitForReport();
    expect(reports()).toEqual([{ conversationId: CONVERSATION_ID, deliveredSeq: 3, readSeq: 3 }]);
  });

  it('[P13] reports what arrived while a report was on its way, right after it', async () => {
    const answers: (() => void)[] = [];
    const server = receiptServer();
    const { reporter, reports } = setup({
      'receipt:set': (input) => new Promise((resolve) => answers.push(() => resolve(server.set(input)))),
    });
    reporter.noteReceived(CONVERSATION_ID, 3);
    await waitForReport();
    reporter.noteReceived(CONVERSATION_ID, 4);
    await waitForReport();
    expect(reports()).toHaveLength(1);
    answers[0]?.();
    await waitForReport();
    expect(reports().map((r) => r.deliveredSeq)).toEqual([3, 4]);
  });
});
