import { type Message, OUTBOX_GIVE_UP_MS, RETRYABLE_CODES, retryDelayMs } from '@hovor/protocol';
import { batch, signal } from '@preact/signals';
import { type ConsoleError, toConsoleError } from './console-error';
import { readOutbox, type StoredPendingMessage, writeOutbox } from './outbox-storage';
import { type AgentSocket, command, newClientMsgId } from './socket';
import type { KeyValueStore } from './storage';

/**
 * Where an unconfirmed message stands: `sending` is resent on its own; `stalled` got no answer for
 * `OUTBOX_GIVE_UP_MS` and waits for Retry or the next reconnect, holding back the conversation's
 * later messages; `refused` got a final no from the server and holds back nothing.
 */
export type PendingStatus = 'sending' | 'stalled' | 'refused';

/** A reply or internal note sent but not yet confirmed; it is reconciled by `clientMsgId` [P5]. */
export interface PendingMessage extends StoredPendingMessage {
  status: PendingStatus;
  /** Why it is not sent, for the agent to read; `null` while `sending`. */
  error: string | null;
}

export const GAVE_UP_TEXT =
  'The server has not confirmed this message yet. It is sent again when the connection is back.';

export interface OutboxDeps {
  storage: KeyValueStore;
  requireSocket: () => AgentSocket;
  /** Receives each message the server confirmed, after it left the outbox. */
  onSent: (message: Message) => void;
  /** `Math.random` in the browser; jitters the resend delays. */
  random: () => number;
}

/** One conversation's line of messages: one attempt at a time, for its oldest message. */
interface Lane {
  /** The clientMsgId whose attempt awaits its ack. */
  inFlight: string | null;
  /** The wait before the next attempt, after a retryable failure. */
  retryTimer: ReturnType<typeof setTimeout> | undefined;
}

export type Outbox = ReturnType<typeof createOutbox>;

/**
 * Replies and notes on their way to the server, across every conversation [P16]. The list is
 * persisted per agent and survives reloads; each conversation's messages go out in order, the
 * next only once the one before is stored; retryable failures are resent with jittered backoff
 * under the same clientMsgId while connected, and everything resumes at once on reconnect.
 */
export function createOutbox({ storage, requireSocket, onSent, random }: OutboxDeps) {
  const pending = signal<readonly PendingMessage[]>([]);
  const lanes = new Map<string, Lane>();
  const giveUpTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Failed attempts per clientMsgId since it last started afresh; picks the next delay. */
  const failures = new Map<string, number>();
  let agentId: string | null = null;
  /**
   * Every clientMsgId this tab has held (restored or queued). The stored list is shared with the
   * agent's other tabs: a write keeps the entries only they hold, so closing one tab while
   * offline loses nothing another wrote [P16]; a message both hold is sent by both and stored
   * once by its clientMsgId [P5]; one that left a tab (stored or discarded) is not written back
   * by it, and leaves the other tabs when they see the write (`storedChanged`).
   */
  const held = new Set<string>();
  let isConnected = false;
  /** Grows on every connect: an attempt begun before it failed because of the old connection. */
  let connectionEpoch = 0;
  /** Grows on every unload, so answers to a signed-out agent's attempts change nothing. */
  let generation = 0;

  const find = (clientMsgId: string) => pending.value.find((p) => p.clientMsgId === clientMsgId);
  const conversationIds = () => new Set(pending.value.map((p) => p.conversationId));

  function laneOf(conversationId: string): Lane {
    let lane = lanes.get(conversationId);
    if (!lane) {
      lane = { inFlight: null, retryTimer: undefined };
      lanes.set(conversationId, lane);
    }
    return lane;
  }

  /** Replaces the list and writes its allowlisted keys; statuses are not worth a write. */
  function store(next: readonly PendingMessage[]): void {
    pending.value = next;
    if (!agentId) return;
    const othersOnly = readOutbox(storage, agentId).filter((e) => !held.has(e.clientMsgId));
    // Oldest first across the tabs, as each conversation's messages must go out.
    const merged = [...othersOnly, ...next].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    writeOutbox(storage, agentId, merged);
  }

  function update(clientMsgId: string, patch: Pick<PendingMessage, 'status' | 'error'>): void {
    pending.value = pending.value.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...patch } : p));
  }

  /** Starts a fresh run of automatic sending: attempts from the first delay, a new give-up time. */
  function startRun(clientMsgId: string): void {
    failures.delete(clientMsgId);
    clearTimeout(giveUpTimers.get(clientMsgId));
    giveUpTimers.set(
      clientMsgId,
      setTimeout(() => {
        giveUpTimers.delete(clientMsgId);
        if (find(clientMsgId)?.status === 'sending')
          update(clientMsgId, { status: 'stalled', error: GAVE_UP_TEXT });
      }, OUTBOX_GIVE_UP_MS),
    );
  }

  function forget(clientMsgId: string): void {
    clearTimeout(giveUpTimers.get(clientMsgId));
    giveUpTimers.delete(clientMsgId);
    failures.delete(clientMsgId);
  }

  /** The conversation's message to send next, if any: its oldest one not refused. */
  function headOf(conversationId: string): PendingMessage | undefined {
    return pending.value.find((p) => p.conversationId === conversationId && p.status !== 'refused');
  }

  /** Sends the conversation's next message unless one is on its way, waiting, stalled or offline. */
  function pump(conversationId: string): void {
    if (!isConnected) return;
    const lane = laneOf(conversationId);
    if (lane.inFlight !== null || lane.retryTimer !== undefined) return;
    const head = headOf(conversationId);
    if (head?.status === 'sending') void attempt(head, lane);
  }

  async function attempt(entry: PendingMessage, lane: Lane): Promise<void> {
    const ownGeneration = generation;
    const ownEpoch = connectionEpoch;
    lane.inFlight = entry.clientMsgId;
    let outcome: { message: Message } | { failure: ConsoleError };
    try {
      const input = {
        conversationId: entry.conversationId,
        clientMsgId: entry.clientMsgId,
        text: entry.text,
      };
      const name = entry.kind === 'note' ? 'note:add' : 'message:send';
      outcome = { message: await command(requireSocket(), name, input) };
    } catch (cause) {
      outcome = { failure: toConsoleError(cause) };
    }
    if (ownGeneration !== generation) return; // signed out meanwhile
    lane.inFlight = null;
    if ('message' in outcome) {
      confirmed([outcome.message]);
      onSent(outcome.message);
    } else {
      failed(entry, lane, outcome.failure, ownEpoch !== connectionEpoch);
    }
    pump(entry.conversationId);
  }

  function failed(entry: PendingMessage, lane: Lane, failure: ConsoleError, isStale: boolean): void {
    const held = find(entry.clientMsgId);
    if (!held) return; // confirmed by a notification or a sync meanwhile
    if (!RETRYABLE_CODES.includes(failure.code)) {
      // CONFLICT, FORBIDDEN, BAD_REQUEST, NOT_FOUND…: asking again cannot help.
      forget(entry.clientMsgId);
      update(entry.clientMsgId, { status: 'refused', error: failure.message });
      return;
    }
    // Stalled waits for Retry; offline waits for the reconnect; a stale failure is resent at once.
    if (held.status !== 'sending' || !isConnected || isStale) return;
    const count = (failures.get(entry.clientMsgId) ?? 0) + 1;
    failures.set(entry.clientMsgId, count);
    lane.retryTimer = setTimeout(
      () => {
        lane.retryTimer = undefined;
        pump(entry.conversationId);
      },
      // [A4] Never sooner than a RATE_LIMITED answer asked.
      retryDelayMs(count, random, failure.retryAfterMs),
    );
  }

  /** Gives the conversation's stalled messages a fresh run and sends its next one now. */
  function restartLane(conversationId: string): void {
    for (const p of pending.value) {
      if (p.conversationId !== conversationId || p.status === 'refused') continue;
      if (p.status === 'stalled') update(p.clientMsgId, { status: 'sending', error: null });
      startRun(p.clientMsgId);
    }
    const lane = laneOf(conversationId);
    clearTimeout(lane.retryTimer);
    lane.retryTimer = undefined;
    pump(conversationId);
  }

  /**
   * Removes the messages the server says it stored (an ack, `message:created` or a sync carrying
   * their clientMsgId). A stored message proves the line works, so the rest of its conversation
   * gets a fresh run.
   */
  function confirmed(messages: readonly Message[]): void {
    // The server's idempotency key is the pair [P5]; a visitor's id never matches by chance.
    const keyOf = (conversationId: string, clientMsgId: string) => `${conversationId} ${clientMsgId}`;
    const keys = new Set(
      messages.flatMap((m) => (m.clientMsgId ? [keyOf(m.conversationId, m.clientMsgId)] : [])),
    );
    const isStored = (p: PendingMessage) => keys.has(keyOf(p.conversationId, p.clientMsgId));
    const gone = pending.value.filter(isStored);
    if (gone.length === 0) return;
    batch(() => {
      for (const p of gone) forget(p.clientMsgId);
      store(pending.value.filter((p) => !isStored(p)));
      for (const conversationId of new Set(gone.map((p) => p.conversationId))) restartLane(conversationId);
    });
  }

  function queue(conversationId: string, kind: PendingMessage['kind'], text: string): void {
    const entry: PendingMessage = {
      clientMsgId: newClientMsgId(),
      conversationId,
      kind,
      text,
      createdAt: new Date().toISOString(),
      status: 'sending',
      error: null,
    };
    held.add(entry.clientMsgId);
    store([...pending.value, entry]);
    startRun(entry.clientMsgId);
    pump(conversationId);
  }

  /** The Retry button: sends the message again now, with the stalled ones before it. */
  function retry(clientMsgId: string): void {
    const entry = find(clientMsgId);
    if (!entry || entry.status === 'sending') return;
    batch(() => {
      if (entry.status === 'refused') update(clientMsgId, { status: 'sending', error: null });
      restartLane(entry.conversationId);
    });
  }

  /** The Discard button: the message leaves the outbox unsent (unless an attempt is under way). */
  function drop(clientMsgId: string): void {
    const entry = find(clientMsgId);
    if (!entry) return;
    const wasHead = headOf(entry.conversationId) === entry;
    forget(clientMsgId);
    store(pending.value.filter((p) => p.clientMsgId !== clientMsgId));
    const lane = laneOf(entry.conversationId);
    if (wasHead) {
      // Its resend timer, if any, was for it: the next message need not wait for it.
      clearTimeout(lane.retryTimer);
      lane.retryTimer = undefined;
    }
    pump(entry.conversationId);
  }

  /** On (re)connect: every message not refused gets a fresh run, each conversation's first goes now. */
  function resume(): void {
    isConnected = true;
    connectionEpoch++;
    batch(() => {
      for (const conversationId of conversationIds()) restartLane(conversationId);
    });
  }

  /** On disconnect: no attempt and no timer until the next `resume`; give-up times keep running. */
  function pause(): void {
    isConnected = false;
    for (const lane of lanes.values()) {
      clearTimeout(lane.retryTimer);
      lane.retryTimer = undefined;
    }
  }

  /**
   * Another tab of the agent wrote the stored outbox: a message it removed (the server stored it,
   * or the agent discarded it there) leaves this tab too, unsent.
   */
  function storedChanged(): void {
    if (!agentId) return;
    const still = new Set(readOutbox(storage, agentId).map((e) => e.clientMsgId));
    const gone = pending.value.filter((p) => !still.has(p.clientMsgId));
    if (gone.length === 0) return;
    batch(() => {
      for (const p of gone) forget(p.clientMsgId);
      pending.value = pending.value.filter((p) => still.has(p.clientMsgId));
      for (const conversationId of new Set(gone.map((p) => p.conversationId))) pump(conversationId);
    });
  }

  /** Restores the agent's stored outbox, as at sign-in; it goes out on the next `resume`. */
  function load(id: string): void {
    unload();
    agentId = id;
    pending.value = readOutbox(storage, id).map((e) => ({ ...e, status: 'sending', error: null }));
    for (const p of pending.value) {
      held.add(p.clientMsgId);
      startRun(p.clientMsgId);
    }
  }

  /** Forgets the outbox in memory, as at sign-out; what is stored stays for the agent's return. */
  function unload(): void {
    pause();
    generation++;
    for (const timer of giveUpTimers.values()) clearTimeout(timer);
    giveUpTimers.clear();
    failures.clear();
    lanes.clear();
    held.clear();
    agentId = null;
    pending.value = [];
  }

  return { pending, queue, retry, drop, confirmed, resume, pause, load, unload, storedChanged };
}
