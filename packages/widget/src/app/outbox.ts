import { ClientId, MessageText, OUTBOX_GIVE_UP_MS, retryDelayMs } from '@hovor/protocol';
import { z } from 'zod/mini';
import type { ChatState } from './chat-state.js';
import { withPending } from './chat-state.js';
import { isRetryable, type WidgetError } from './retry.js';
import type { KeyValueStore } from './storage.js';

/**
 * What the outbox keeps across reloads: the allowlisted fields of each unsent message, and when
 * it was written (`at`, ms), which orders the messages of the visitor's tabs.
 */
const StoredOutbox = z.array(z.strictObject({ clientMsgId: ClientId, text: MessageText, at: z.number() }));
type StoredMessage = z.infer<typeof StoredOutbox>[number];

export const outboxKey = (siteKey: string) => `hovor:v1:${siteKey}:outbox`;

export interface OutboxDeps {
  state: ChatState;
  store: KeyValueStore;
  siteKey: string;
  /** Sends one message (starting a conversation first when needed); rejects like a command. */
  send: (clientMsgId: string, text: string) => Promise<void>;
  /** Resolves when the socket is connected. */
  connected: () => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/**
 * The visitor's unsent messages [P16]: persisted on every change, so a reload or a closed tab
 * keeps them; sent one at a time in the order written (so the transcript keeps that order), each
 * under its own clientMsgId however often it is resent [P5]. A message that cannot be delivered
 * within OUTBOX_GIVE_UP_MS shows as failed (with the ones after it) until a retry or reconnect.
 */
export function createOutbox(deps: OutboxDeps) {
  const { state, store } = deps;
  const key = outboxKey(deps.siteKey);
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  let isFlushing = false;
  let persisted = '';
  /**
   * When each message this tab has held was written. The stored list is shared with the
   * visitor's other tabs: a write keeps what only they hold, in the order written, so closing one
   * tab while offline loses nothing another wrote; a message two tabs hold is stored once by its
   * clientMsgId [P5]; one that left a tab (sent, or gone with a reset) is not written back by it,
   * and leaves the other tabs when they see the write (`storedChanged`).
   */
  const held = new Map<string, number>();
  /** Ends the current backoff wait early: the connection is back, resend now. */
  let wake = () => {};
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** What the tabs of this site stored, valid entries only. */
  function stored(): StoredMessage[] {
    try {
      const list: unknown = JSON.parse(store.get(key) ?? '[]');
      // An entry of an earlier version has no `at`: it counts as the oldest.
      const saved = StoredOutbox.safeParse(Array.isArray(list) ? list.map((e) => ({ at: 0, ...e })) : list);
      return saved.success ? saved.data : [];
    } catch {
      return []; // not JSON, or not entries: nothing usable was stored
    }
  }

  function persist(): void {
    const own = state.get().pending.map(({ clientMsgId, text }) => {
      const at = held.get(clientMsgId) ?? now();
      held.set(clientMsgId, at);
      return { clientMsgId, text, at };
    });
    const json = JSON.stringify(own);
    if (json === persisted) return;
    persisted = json;
    const list = [...stored().filter((p) => !held.has(p.clientMsgId)), ...own].sort((a, b) => a.at - b.at);
    if (list.length) store.set(key, JSON.stringify(list));
    else store.remove(key);
  }

  /** Delivers one message; false when it failed and the ones after it must wait. */
  async function deliver(clientMsgId: string, text: string): Promise<boolean> {
    const startedAt = now();
    for (let attempt = 1; ; attempt++) {
      const isConnected = await Promise.race([
        deps.connected().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(resolve, startedAt + OUTBOX_GIVE_UP_MS - now(), false)),
      ]);
      // Offline past the give-up time: shown as failed; the reconnect sends it again.
      if (!isConnected) return false;
      if (!state.get().pending.some((p) => p.clientMsgId === clientMsgId)) return true;
      try {
        await deps.send(clientMsgId, text);
        return true;
      } catch (error) {
        if (!isRetryable(error)) {
          state.update((s) => withPending(s, clientMsgId, { isFailed: true }));
          return true;
        }
        if (now() - startedAt >= OUTBOX_GIVE_UP_MS) return false;
        await pause(retryDelayMs(attempt, random, (error as WidgetError).retryAfterMs));
      }
    }
  }

  async function flush(): Promise<void> {
    if (isFlushing) return;
    isFlushing = true;
    try {
      for (;;) {
        const next = state.get().pending.find((p) => !p.isFailed);
        if (!next) return;
        if (!(await deliver(next.clientMsgId, next.text))) {
          state.update((s) => ({ ...s, pending: s.pending.map((p) => ({ ...p, isFailed: true })) }));
          return;
        }
      }
    } finally {
      isFlushing = false;
    }
  }

  return {
    /** Restores what an earlier page left unsent and keeps the store in step from now on. */
    start(): () => void {
      const saved = stored();
      for (const p of saved) held.set(p.clientMsgId, p.at);
      if (saved.length) {
        state.update((s) => ({
          ...s,
          pending: [
            ...s.pending,
            ...saved.map(({ clientMsgId, text }) => ({ clientMsgId, text, isFailed: false })),
          ],
        }));
      }
      persist();
      return state.subscribe(persist);
    },

    /**
     * Another tab of the site wrote the stored outbox: a message it removed (the server stored
     * it, or a reset forgot it) leaves this tab too, unsent.
     */
    storedChanged(): void {
      const still = new Set(stored().map((p) => p.clientMsgId));
      state.update((s) =>
        s.pending.every((p) => still.has(p.clientMsgId))
          ? s
          : { ...s, pending: s.pending.filter((p) => still.has(p.clientMsgId)) },
      );
    },

    /** [P19] A reset: what any tab stored for the visitor is forgotten, with the visitor. */
    forgetStored(): void {
      store.remove(key);
      held.clear();
      persisted = '';
    },

    add(clientMsgId: string, text: string): void {
      state.update((s) => ({ ...s, pending: [...s.pending, { clientMsgId, text, isFailed: false }] }));
      void flush();
    },

    /** Sends everything again, failed messages included (a reconnect, or the Retry button). */
    retryAll(): void {
      state.update((s) =>
        s.pending.some((p) => p.isFailed)
          ? { ...s, pending: s.pending.map((p) => ({ ...p, isFailed: false })) }
          : s,
      );
      wake();
      void flush();
    },
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
