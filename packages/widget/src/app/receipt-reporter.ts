import type { Ack, Receipt, SetReceiptInput } from '@hovor/protocol';
import { type ChatState, withReceipt } from './chat-state.js';
import type { HostChannel } from './host-channel.js';
import { lastSeqOf } from './messages.js';

/** Receipts wait this long for more messages before they are reported, in ms. */
export const RECEIPT_DEBOUNCE_MS = 300;

export interface ReceiptReporterDeps {
  state: ChatState;
  host: Pick<HostChannel, 'onOpened' | 'onClosed'>;
  /** What sends one report now; null while not connected (the next reconnect reports again). */
  send: () => ((input: SetReceiptInput) => Promise<Ack<Receipt>>) | null;
  isPageVisible: () => boolean;
}

/**
 * [P13] Tells the agent side how far this visitor has received and — while the chat is open on
 * a visible page — read. Reports are debounced, never lower than the last accepted one, and
 * repeated after a failure or a reconnect (`reset`). Returns the reporter; `dispose` ends it.
 */
export function createReceiptReporter({ state, host, send, isPageVisible }: ReceiptReporterDeps) {
  let isShown = false;
  let reported = { id: '', deliveredSeq: 0, readSeq: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let shownMessages = state.get().messages;

  function report(): void {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const { conversation, messages } = state.get();
      const deliveredSeq = lastSeqOf(messages);
      const emit = send();
      if (!conversation || !emit || !deliveredSeq) return;
      if (reported.id !== conversation.id) reported = { id: conversation.id, deliveredSeq: 0, readSeq: 0 };
      const isRead = isShown && isPageVisible();
      const next = { id: conversation.id, deliveredSeq, readSeq: isRead ? deliveredSeq : reported.readSeq };
      if (next.deliveredSeq <= reported.deliveredSeq && next.readSeq <= reported.readSeq) return;
      const before = reported;
      reported = next;
      emit({ conversationId: conversation.id, deliveredSeq, readSeq: next.readSeq }).then(
        (ack) => {
          if (!ack.ok) reported = before;
          // The stored read position: the unread count follows it.
          else state.update((s) => withReceipt(s, ack.data));
        },
        // Unanswered: the next message, focus or reconnect reports again.
        () => {
          reported = before;
        },
      );
    }, RECEIPT_DEBOUNCE_MS);
  }

  const disposers = [
    state.subscribe(() => {
      if (state.get().messages === shownMessages) return;
      shownMessages = state.get().messages;
      report();
    }),
    host.onOpened(() => {
      isShown = true;
      report();
    }),
    host.onClosed(() => {
      isShown = false;
    }),
  ];

  return {
    report,
    /** After a reconnect the server may have lost nothing, but the last report may be unanswered. */
    reset(): void {
      reported = { id: '', deliveredSeq: 0, readSeq: 0 };
    },
    dispose(): void {
      clearTimeout(timer);
      for (const dispose of disposers) dispose();
    },
  };
}
