import { performance } from 'node:perf_hooks';
import { type Message, retryDelayMs } from '../packages/protocol/src/index.js';
import { type Attempt, errorLabel, withRetry } from './retry.js';
import type { VisitorSocket } from './seed.js';

/**
 * One visitor of the reconnect storm, as a client that keeps its own outbox: what it sent, what it
 * has seen of its conversation (by seq), and how it comes back after a cut: connect again
 * (retrying a refused handshake after its `retryAfterMs`, as the widget does), `conversation:sync`
 * from the last seq it saw, then every message not yet acked sent again under its clientMsgId.
 * Unlike the widget, it resends a message even when the sync showed it stored: the stricter test
 * that the server keeps each clientMsgId once.
 */

export type MessagePhase = 'before' | 'in-flight' | 'offline';

export interface SentMessage {
  clientMsgId: string;
  text: string;
  /** Sent and acked before the cut; sent just before the cut (no ack came); written while offline. */
  phase: MessagePhase;
  /** The seq its OK ack gave; null while unacked. */
  ackedSeq: number | null;
  /** Whether the sync after the reconnect already held it. */
  isSeenInSync: boolean;
}

export interface StormVisitor {
  index: number;
  socket: VisitorSocket;
  /** Its chat; empty until the chat started. */
  conversationId: string;
  sent: SentMessage[];
  /** Every message of the conversation it has seen (live, in a sync, or its own ack): seq → clientMsgId. */
  view: Map<number, string>;
  /** Times of the recovery from the storm's start (`performance.now()`); null until reached. */
  connectedAt: number | null;
  syncedAt: number | null;
  doneAt: number | null;
  /** Error answers on the way, by step (`retry.ts`'s `errorLabel`, or the handshake's code). */
  errors: { handshake: string[]; sync: string[]; send: string[] };
  handshakeAttempts: number;
  /** Disconnects after it had reconnected (it then connects again). */
  unexpectedDisconnects: number;
  /** Why it gave up, if it did. */
  failure: string | null;
}

/** An attempt gets no answer after this long (above the server's 8 s command deadline). */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** Thrown when the socket is not connected: the recovery connects again. */
class Disconnected extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A visitor of the storm, listening from now on (before its chat starts, so that it sees the
 * chat's first events); `conversationId` is set once its chat started.
 */
export function createStormVisitor(index: number, socket: VisitorSocket): StormVisitor {
  const visitor: StormVisitor = {
    index,
    socket,
    conversationId: '',
    sent: [],
    view: new Map(),
    connectedAt: null,
    syncedAt: null,
    doneAt: null,
    errors: { handshake: [], sync: [], send: [] },
    handshakeAttempts: 0,
    unexpectedDisconnects: 0,
    failure: null,
  };
  socket.on('message:created', (message: Message) => see(visitor, message));
  return visitor;
}

function see(visitor: StormVisitor, message: Message): void {
  // Before the start answered, the visitor's only conversation is the one starting.
  if (visitor.conversationId === '' || message.conversationId === visitor.conversationId)
    visitor.view.set(message.seq, message.clientMsgId ?? '');
}

const lastSeenSeq = (visitor: StormVisitor) => Math.max(0, ...visitor.view.keys());

/** A command on the socket: its ack, 'no answer' within ATTEMPT_TIMEOUT_MS, or Disconnected. */
async function command<T>(
  visitor: StormVisitor,
  send: (socket: VisitorSocket) => Promise<Attempt<T>>,
): Promise<Attempt<T>> {
  if (!visitor.socket.connected) throw new Disconnected();
  try {
    return await send(visitor.socket);
  } catch {
    if (!visitor.socket.connected) throw new Disconnected();
    return 'no answer';
  }
}

function newMessage(visitor: StormVisitor, phase: MessagePhase): SentMessage {
  const n = visitor.sent.length + 1;
  const message: SentMessage = {
    clientMsgId: `storm-${visitor.index}-${n}`,
    text: `Message ${n} of visitor ${visitor.index}: is my order on its way?`,
    phase,
    ackedSeq: null,
    isSeenInSync: false,
  };
  visitor.sent.push(message);
  return message;
}

/** Sends one message until it is acked OK (retrying like the widget), or throws. */
async function deliver(visitor: StormVisitor, message: SentMessage, giveUpAt: number): Promise<void> {
  const input = {
    conversationId: visitor.conversationId,
    clientMsgId: message.clientMsgId,
    text: message.text,
  };
  const outcome = await withRetry(
    () => command(visitor, (socket) => socket.timeout(ATTEMPT_TIMEOUT_MS).emitWithAck('message:send', input)),
    { giveUpAt, now: () => performance.now(), onError: (label) => visitor.errors.send.push(label) },
  );
  if (outcome.last === 'no answer' || !outcome.last.ok) {
    throw new Error(`message:send ended with ${errorLabel(outcome.last)}`);
  }
  message.ackedSeq = outcome.last.data.seq;
  see(visitor, outcome.last.data);
}

/** Sends `count` messages one after another, each acked before the next (the history before the cut). */
export async function sendAcked(visitor: StormVisitor, count: number, giveUpAt: number): Promise<void> {
  for (let i = 0; i < count; i++) await deliver(visitor, newMessage(visitor, 'before'), giveUpAt);
}

/**
 * Sends `inFlight` messages and cuts the connection at once, before their acks can come back
 * (they may or may not reach the server), then writes `offline` more into the outbox.
 */
export function cut(visitor: StormVisitor, inFlight: number, offline: number): void {
  for (let i = 0; i < inFlight; i++) {
    const message = newMessage(visitor, 'in-flight');
    const input = {
      conversationId: visitor.conversationId,
      clientMsgId: message.clientMsgId,
      text: message.text,
    };
    visitor.socket.emit('message:send', input, (ack) => {
      if (ack.ok) message.ackedSeq = ack.data.seq;
    });
  }
  // The engine flushes what it holds, then closes: the server sees a transport close. Events it
  // reads together with the close are dropped (socket.io ignores a packet dispatched after the
  // disconnect), so some in-flight messages reach the handlers and some do not, as in a real cut.
  visitor.socket.io.engine.close();
  for (let i = 0; i < offline; i++) newMessage(visitor, 'offline');
}

/** Connects the socket again, retrying refusals after their retry-after; throws at `giveUpAt`. */
async function reconnect(visitor: StormVisitor, giveUpAt: number): Promise<void> {
  if (visitor.socket.connected) return;
  for (let attempt = 1; ; attempt++) {
    visitor.handshakeAttempts++;
    const refusal = await new Promise<{ label: string; retryAfterMs: number } | null>((resolve) => {
      const onConnect = () => settle(null);
      const onError = (error: Error & { data?: { code?: string; retryAfterMs?: number } }) =>
        settle({
          label: error.data?.code
            ? `${error.data.code}${error.data.retryAfterMs === undefined ? '' : '+retryAfter'}`
            : `client: ${error.message}`,
          retryAfterMs: error.data?.retryAfterMs ?? 0,
        });
      function settle(result: { label: string; retryAfterMs: number } | null) {
        visitor.socket.off('connect', onConnect);
        visitor.socket.off('connect_error', onError);
        resolve(result);
      }
      visitor.socket.once('connect', onConnect);
      visitor.socket.once('connect_error', onError);
      visitor.socket.connect();
    });
    if (refusal === null) return;
    visitor.errors.handshake.push(refusal.label);
    const wait = retryDelayMs(attempt, Math.random, refusal.retryAfterMs);
    if (performance.now() + wait >= giveUpAt) throw new Error(`handshake ended with ${refusal.label}`);
    await sleep(wait);
  }
}

/** `conversation:sync` from the last seq seen, page after page. */
async function sync(visitor: StormVisitor, giveUpAt: number): Promise<void> {
  for (let hasMore = true; hasMore; ) {
    const input = { conversationId: visitor.conversationId, afterSeq: lastSeenSeq(visitor) };
    const outcome = await withRetry(
      () =>
        command(visitor, (socket) =>
          socket.timeout(ATTEMPT_TIMEOUT_MS).emitWithAck('conversation:sync', input),
        ),
      { giveUpAt, now: () => performance.now(), onError: (label) => visitor.errors.sync.push(label) },
    );
    if (outcome.last === 'no answer' || !outcome.last.ok) {
      throw new Error(`conversation:sync ended with ${errorLabel(outcome.last)}`);
    }
    for (const message of outcome.last.data.messages) {
      see(visitor, message);
      const own = visitor.sent.find((m) => m.clientMsgId === message.clientMsgId);
      if (own) own.isSeenInSync = true;
    }
    hasMore = outcome.last.data.hasMore;
  }
}

/**
 * The recovery from a cut: connect, sync, send again whatever is unacked. Sets the visitor's
 * times; on failure (`giveUpAt` passed, or an error no retry mends) sets `failure` instead.
 */
export async function recover(visitor: StormVisitor, giveUpAt: number): Promise<void> {
  const onDisconnect = () => {
    if (visitor.connectedAt !== null && visitor.doneAt === null) visitor.unexpectedDisconnects++;
  };
  visitor.socket.on('disconnect', onDisconnect);
  try {
    for (;;) {
      try {
        await reconnect(visitor, giveUpAt);
        visitor.connectedAt ??= performance.now();
        await sync(visitor, giveUpAt);
        visitor.syncedAt ??= performance.now();
        for (const message of visitor.sent) {
          if (message.ackedSeq === null) await deliver(visitor, message, giveUpAt);
        }
        visitor.doneAt = performance.now();
        return;
      } catch (error) {
        if (!(error instanceof Disconnected) || performance.now() >= giveUpAt) throw error;
      }
    }
  } catch (error) {
    visitor.failure = error instanceof Error ? error.message : String(error);
  } finally {
    visitor.socket.off('disconnect', onDisconnect);
  }
}
