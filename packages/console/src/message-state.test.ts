import { describe, expect, it } from 'vitest';
import { MESSAGE_STATE_LABEL, pendingState, storedState } from './message-state';
import type { PendingMessage } from './outbox';
import { createReceiptsState, mergeReceipt } from './receipts-state';
import { COLLEAGUE, CONVERSATION_ID, ME, message, mine, visitorReceipt } from './test-fakes';

const pending = (status: PendingMessage['status']): PendingMessage => ({
  clientMsgId: 'abcdef12',
  conversationId: CONVERSATION_ID,
  kind: 'text',
  text: 'Hello',
  createdAt: '2025-01-01T10:00:00.000Z',
  status,
  error: status === 'sending' ? null : 'Not sent',
});

describe('storedState', () => {
  it('[P13] is sent, then delivered, then read as the visitor receipt passes the seq', () => {
    const reply = mine(5);
    expect(storedState(reply, ME.id, null)).toBe('sent');
    expect(storedState(reply, ME.id, visitorReceipt(4, 4))).toBe('sent');
    expect(storedState(reply, ME.id, visitorReceipt(5, 4))).toBe('delivered');
    expect(storedState(reply, ME.id, visitorReceipt(9, 5))).toBe('read');
  });

  it('[P12] keeps an internal note at sent, though the visitor read past its seq', () => {
    expect(storedState(mine(5, { kind: 'note' }), ME.id, visitorReceipt(9, 9))).toBe('sent');
  });

  it("shows no state on the visitor's, a colleague's or the system's lines", () => {
    const receipt = visitorReceipt(9, 9);
    expect(storedState(message(5), ME.id, receipt)).toBeNull();
    expect(storedState(message(5, { author: { type: 'agent', ...COLLEAGUE } }), ME.id, receipt)).toBeNull();
    const event = message(5, { kind: 'event', author: { type: 'system', id: null, name: null } });
    expect(storedState(event, ME.id, receipt)).toBeNull();
  });
});

describe('pendingState', () => {
  it('[P16] is sending while the outbox tries, and failed once stalled or refused', () => {
    expect(pendingState(pending('sending'))).toBe('sending');
    expect(pendingState(pending('stalled'))).toBe('failed');
    expect(pendingState(pending('refused'))).toBe('failed');
  });

  it('has a spoken label for every state', () => {
    expect(Object.values(MESSAGE_STATE_LABEL)).toEqual(['Sending', 'Not sent', 'Sent', 'Delivered', 'Read']);
  });
});

describe('receipts', () => {
  it('[P13] never go back when a smaller receipt arrives late', () => {
    expect(mergeReceipt(visitorReceipt(7, 5), visitorReceipt(6, 6))).toEqual(visitorReceipt(7, 6));
    const receipts = createReceiptsState();
    receipts.apply([visitorReceipt(7, 5), { ...visitorReceipt(2, 2), side: 'agent' }]);
    receipts.apply([visitorReceipt(3, 1)]);
    expect(receipts.visitorOf(CONVERSATION_ID)).toEqual(visitorReceipt(7, 5));
    expect(receipts.visitorOf(null)).toBeNull();
  });
});
