import { RETRYABLE_CODES, type Receipt, retryDelayMs } from '@hovor/protocol';
import { toConsoleError } from './console-error';
import { type AgentSocket, command } from './socket';

/**
 * How long received messages gather before one `receipt:set` reports them all, in ms: a burst of
 * messages, or a page of history, costs one command instead of one each.
 */
export const RECEIPT_REPORT_DELAY_MS = 300;

export interface ReceiptReporterDeps {
  requireSocket: () => AgentSocket;
  /** Whether the signed-in agent is the conversation's assignee: only they speak for the agent side [P13]. */
  isAssignedToMe: (conversationId: string) => boolean;
  /** Whether the conversation is on screen now: the open one, in a visible page. */
  isShown: (conversationId: string) => boolean;
  /** Receives the stored receipt the server answers with. */
  onReported: (receipt: Receipt) => void;
  showError: (cause: unknown) => void;
  /** `Math.random` in the browser; jitters the resend delays. */
  random: () => number;
}

/** What one conversation's messages have reached, and what of it the server has been told. */
interface Progress {
  /** The highest seq this console has received. */
  received: number;
  /** The highest seqs reported and acknowledged (or refused for good). */
  delivered: number;
  read: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  isInFlight: boolean;
  /** Something new came while a report was on its way: report again after it. */
  isDue: boolean;
  failures: number;
}

export type ReceiptReporter = ReturnType<typeof createReceiptReporter>;

/**
 * Tells the server how far the agent side has received (`deliveredSeq`) and shown (`readSeq`) the
 * conversations assigned to the signed-in agent [P13]: batched, never lower than already reported,
 * quiet when the agent is no longer the assignee, resent with backoff after a retryable failure.
 */
export function createReceiptReporter({
  requireSocket,
  isAssignedToMe,
  isShown,
  onReported,
  showError,
  random,
}: ReceiptReporterDeps) {
  const progress = new Map<string, Progress>();
  let isConnected = false;

  function progressOf(conversationId: string): Progress {
    let p = progress.get(conversationId);
    if (!p) {
      p = {
        received: 0,
        delivered: 0,
        read: 0,
        timer: undefined,
        isInFlight: false,
        isDue: false,
        failures: 0,
      };
      progress.set(conversationId, p);
    }
    return p;
  }

  /** Call with the highest seq of messages that arrived (a notification, an ack, a page). */
  function noteReceived(conversationId: string, seq: number): void {
    const p = progressOf(conversationId);
    if (seq <= p.received) return;
    p.received = seq;
    schedule(conversationId);
  }

  /** Call when a conversation may have come on screen (the page became visible, it was opened). */
  function noteShown(conversationId: string): void {
    if (progress.has(conversationId)) schedule(conversationId);
  }

  function schedule(conversationId: string, delayMs = RECEIPT_REPORT_DELAY_MS): void {
    if (!isConnected || !isAssignedToMe(conversationId)) return;
    const p = progressOf(conversationId);
    if (p.isInFlight) {
      p.isDue = true;
      return;
    }
    if (p.timer !== undefined) return; // joins the report already waiting
    p.timer = setTimeout(() => {
      p.timer = undefined;
      void report(conversationId, p);
    }, delayMs);
  }

  async function report(conversationId: string, p: Progress): Promise<void> {
    // Checked again: the conversation may have moved to a colleague while the report waited.
    if (!isConnected || !isAssignedToMe(conversationId)) return;
    const deliveredSeq = Math.max(p.received, p.delivered);
    const readSeq = isShown(conversationId) ? Math.max(p.received, p.read) : p.read;
    if (deliveredSeq === p.delivered && readSeq === p.read) return;
    p.isInFlight = true;
    let retryInMs: number | null = null;
    try {
      const receipt = await command(requireSocket(), 'receipt:set', {
        conversationId,
        deliveredSeq,
        readSeq,
      });
      p.failures = 0;
      p.delivered = Math.max(deliveredSeq, receipt.deliveredSeq);
      p.read = Math.max(readSeq, receipt.readSeq);
      onReported(receipt);
    } catch (cause) {
      const failure = toConsoleError(cause);
      if (failure.code === 'FORBIDDEN' || failure.code === 'NOT_FOUND') {
        // No longer the assignee (or no longer the agent's site): the report is not ours to make.
        p.delivered = deliveredSeq;
        p.read = readSeq;
      } else if (RETRYABLE_CODES.includes(failure.code)) {
        p.failures++;
        retryInMs = retryDelayMs(p.failures, random, failure.retryAfterMs);
      } else {
        showError(failure);
      }
    } finally {
      p.isInFlight = false;
    }
    if (retryInMs !== null) schedule(conversationId, retryInMs);
    else if (p.isDue) {
      p.isDue = false;
      schedule(conversationId);
    }
  }

  /** On (re)connect: reports whatever was not acknowledged before. */
  function resume(): void {
    isConnected = true;
    for (const conversationId of progress.keys()) schedule(conversationId);
  }

  /** On disconnect: nothing is reported until `resume`. */
  function pause(): void {
    isConnected = false;
    for (const p of progress.values()) {
      clearTimeout(p.timer);
      p.timer = undefined;
      p.failures = 0;
    }
  }

  /** Forgets everything, as at sign-out. */
  function clear(): void {
    pause();
    progress.clear();
  }

  return { noteReceived, noteShown, resume, pause, clear };
}
