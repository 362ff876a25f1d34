/** What one message changes about its conversation's activity cache. */
export interface ActivityNote {
  seq: number;
  /** The preview text; null for events and notes, which keep the previous one. */
  text: string | null;
  at: Date;
}

/** Activity writes a node runs at once; more wait, merged per conversation. */
export const MAX_ACTIVITY_WRITES_IN_FLIGHT = 4;
/** Conversations whose newest activity a node remembers after writing it. */
const MAX_REMEMBERED_NOTES = 10_000;
/** Wait before a failed write (the database away) is tried again, in ms. */
export const ACTIVITY_RETRY_MS = 500;
/**
 * How long a note waits before it is written, in ms: what a conversation says meanwhile (a chat's
 * queued and assigned events, a burst of messages) is written once.
 */
export const ACTIVITY_WRITE_DELAY_MS = 250;

/** Two notes of one conversation as one: the newer message's values, the older text if it had none. */
export function mergeNotes(a: ActivityNote | undefined, b: ActivityNote): ActivityNote {
  if (!a) return b;
  const [older, newer] = a.seq > b.seq ? [b, a] : [a, b];
  return {
    seq: newer.seq,
    text: newer.text ?? older.text,
    at: new Date(Math.max(newer.at.getTime(), older.at.getTime())),
  };
}

/**
 * Writes the activity cache behind the messages. An update costs the embedded database ~20 ms,
 * as much as the rest of a send together, and the cache is not the truth (the messages are), so
 * the ack does not wait for it. Notes wait ACTIVITY_WRITE_DELAY_MS and those of one conversation
 * merge while they wait, at most one write per conversation runs at a time (the embedded
 * database's updates are not atomic), and a failed write is kept and retried. Reads on this node
 * see what is not written yet (`unwritten`, `latest`).
 */
export function createActivityWriter(deps: {
  write: (conversationId: string, note: ActivityNote) => Promise<void>;
  onError: (error: unknown) => void;
}) {
  const waiting = new Map<string, ActivityNote>();
  const writing = new Map<string, ActivityNote>();
  /** The newest note of each conversation this node has noted, written or not (a bounded memory). */
  const latest = new Map<string, ActivityNote>();
  const idleWaiters: Array<() => void> = [];
  let retryTimer: NodeJS.Timeout | undefined;
  let delayTimer: NodeJS.Timeout | undefined;

  function remember(conversationId: string, note: ActivityNote): void {
    const merged = mergeNotes(latest.get(conversationId), note);
    latest.delete(conversationId);
    latest.set(conversationId, merged);
    if (latest.size > MAX_REMEMBERED_NOTES) latest.delete(latest.keys().next().value!);
  }

  function settleIdle(): void {
    if (waiting.size === 0 && writing.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  function flushSoon(): void {
    if (retryTimer || delayTimer) return;
    delayTimer = setTimeout(() => {
      delayTimer = undefined;
      pump();
    }, ACTIVITY_WRITE_DELAY_MS).unref();
  }

  function pump(): void {
    for (const [id, note] of waiting) {
      if (writing.size >= MAX_ACTIVITY_WRITES_IN_FLIGHT) return;
      if (writing.has(id)) continue;
      waiting.delete(id);
      writing.set(id, note);
      deps
        .write(id, note)
        .catch((error: unknown) => {
          deps.onError(error);
          waiting.set(id, mergeNotes(waiting.get(id), note));
          retryTimer ??= setTimeout(() => {
            retryTimer = undefined;
            pump();
          }, ACTIVITY_RETRY_MS).unref();
        })
        .finally(() => {
          writing.delete(id);
          // What waits behind a full set of writes has waited long enough.
          if (!retryTimer && !delayTimer) pump();
          settleIdle();
        });
    }
  }

  return {
    note(conversationId: string, note: ActivityNote): void {
      waiting.set(conversationId, mergeNotes(waiting.get(conversationId), note));
      remember(conversationId, note);
      flushSoon();
    },
    /** Keeps a note written without waiting (`noteMessage`) among what this node knows. */
    remember: (conversationId: string, note: ActivityNote): void => remember(conversationId, note),
    /** The newest activity this node noted for the conversation, written or not (null if forgotten). */
    latest(conversationId: string): ActivityNote | undefined {
      return latest.get(conversationId);
    },
    /** What this node has noted and not yet written for the conversation. */
    unwritten(conversationId: string): ActivityNote | undefined {
      const pending = writing.get(conversationId);
      const queued = waiting.get(conversationId);
      return queued ? mergeNotes(pending, queued) : pending;
    },
    /** Resolves once everything noted is written (or `timeoutMs` passed). */
    idle(timeoutMs: number): Promise<void> {
      if (waiting.size === 0 && writing.size === 0) return Promise.resolve();
      if (delayTimer) {
        clearTimeout(delayTimer);
        delayTimer = undefined;
        pump();
      }
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    stop(): void {
      clearTimeout(retryTimer);
      clearTimeout(delayTimer);
    },
  };
}
export type ActivityWriter = ReturnType<typeof createActivityWriter>;
