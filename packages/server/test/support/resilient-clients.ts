import {
  type Ack,
  type Message,
  type OpenConversationResult,
  PROTOCOL_VERSION,
  RETRYABLE_CODES,
  resendDelayMs,
  VISITOR_NAMESPACE,
  type VisitorConversation,
  type VisitorSyncResult,
} from '@hovor/protocol';
import { io, type Socket } from 'socket.io-client';
import type { AgentSocket, VisitorSocket } from './harness.js';

/**
 * Clients that behave as the widget and the console do [P16]: they reconnect by themselves,
 * resend every command under the same id until it is acknowledged, and resync from their last
 * seq after every (re)connect. Fault tests drive them through broken networks and dead servers.
 */

/** How long a test client waits for an ack before it resends; short, as acks get dropped on purpose. */
export const TEST_ACK_TIMEOUT_MS = 3_000;
/** How long a start may take before it is resent. */
const START_ACK_TIMEOUT_MS = 15_000;
/**
 * How long a read (sync, open) may take before it is resent, as patient as the console (10 s)
 * and more: on the embedded database a read scans every stored message, and a resent read only
 * queues a second scan behind the first.
 */
const READ_ACK_TIMEOUT_MS = 30_000;
/** A test client gives up on a command after this long: far beyond any fault a test injects. */
const GIVE_UP_MS = 120_000;

export interface DeliveryCounters {
  /** Sends that got no ack in time, or a retryable error, and went out again. */
  resends: number;
  /** Retryable error acks seen (e.g. UNAVAILABLE while the database is down). */
  retryableErrors: number;
  /** Connections after the first: the client came back after a cut. */
  reconnects: number;
}

const newCounters = (): DeliveryCounters => ({ resends: 0, retryableErrors: 0, reconnects: 0 });

/** Resolves when `socket` is connected (at once if it is). */
function connected(socket: Socket): Promise<void> {
  return socket.connected
    ? Promise.resolve()
    : new Promise((resolve) => socket.once('connect', () => resolve()));
}

/**
 * Sends `event` until a success ack arrives: each attempt waits for the connection, then for
 * the ack up to TEST_ACK_TIMEOUT_MS; no ack or a retryable error means resend after a jittered
 * backoff. A non-retryable error rejects.
 */
export async function untilAcked<T>(
  socket: Socket,
  event: string,
  input: unknown,
  counters: DeliveryCounters = newCounters(),
  ackTimeoutMs = TEST_ACK_TIMEOUT_MS,
): Promise<T> {
  const startedAt = Date.now();
  let lastAnswer = 'none';
  for (let attempt = 1; ; attempt++) {
    if (Date.now() - startedAt > GIVE_UP_MS) {
      throw new Error(
        `${event} was never acknowledged: ${attempt - 1} attempts, last answer ${lastAnswer}, ` +
          `connected=${socket.connected} active=${socket.active}`,
      );
    }
    await connected(socket);
    let ack: Ack<T> | null = null;
    try {
      ack = (await socket.timeout(ackTimeoutMs).emitWithAck(event, input)) as Ack<T>;
    } catch {
      // No ack in time: lost on the way, or the connection went.
      lastAnswer = 'timeout';
    }
    if (ack) lastAnswer = ack.ok ? 'ok' : ack.error.code;
    if (ack?.ok) return ack.data;
    if (ack && !RETRYABLE_CODES.includes(ack.error.code)) {
      throw new Error(`${event} refused: ${ack.error.code} ${ack.error.message}`);
    }
    if (ack) counters.retryableErrors++;
    counters.resends++;
    await new Promise((resolve) => setTimeout(resolve, Math.min(resendDelayMs(attempt, Math.random), 2_000)));
  }
}

/**
 * Messages by seq: what a client has of one conversation, whatever order they came in. A resync
 * starts after `syncedSeq`, the end of what is known to be complete, not after the highest seq
 * seen: a notification may overtake an earlier one (two writers), and a cut may fall between them.
 */
class Transcript {
  readonly bySeq = new Map<number, Message>();
  /** Every message up to here is held (a sync page, or notifications without a gap). */
  syncedSeq = 0;
  /** `message:created` notifications of a seq this client already had. */
  duplicateNotifications = 0;

  /** `page`: from a sync, complete from its `afterSeq` on; `ack`: the client's own message, stored. */
  add(message: Message, source: 'page' | 'notification' | 'ack'): void {
    if (source === 'notification' && this.bySeq.has(message.seq)) this.duplicateNotifications++;
    this.bySeq.set(message.seq, message);
    if (source === 'page') this.syncedSeq = Math.max(this.syncedSeq, message.seq);
    while (this.bySeq.has(this.syncedSeq + 1)) this.syncedSeq++;
  }

  /** In seq order, as a client shows them. */
  list(): Message[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
}

/** Reads a conversation page by page from what `transcript` holds without a gap [P8]. */
async function readPages(
  socket: Socket,
  event: 'conversation:sync' | 'conversation:open',
  conversationId: string,
  transcript: Transcript,
  counters: DeliveryCounters,
): Promise<void> {
  for (;;) {
    const page = await untilAcked<VisitorSyncResult | OpenConversationResult>(
      socket,
      event,
      { conversationId, afterSeq: transcript.syncedSeq },
      counters,
      READ_ACK_TIMEOUT_MS,
    );
    for (const m of page.messages) transcript.add(m, 'page');
    if (!page.hasMore) return;
  }
}

export interface ResilientVisitorOptions {
  url: string;
  siteKey: string;
  token: string;
  hostOrigin: string;
  /**
   * How long a send waits for its ack before it is sent again (TEST_ACK_TIMEOUT_MS by default).
   * Shorter than the widget's wait means more resends racing an original still in flight.
   */
  ackTimeoutMs?: number;
}

/** A visitor who reconnects, resends and resyncs like the widget. */
export function resilientVisitor(options: ResilientVisitorOptions) {
  const socket: VisitorSocket = io(`${options.url}${VISITOR_NAMESPACE}`, {
    auth: {
      v: PROTOCOL_VERSION,
      siteKey: options.siteKey,
      token: options.token,
      hostOrigin: options.hostOrigin,
    },
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1_000,
  });
  const raw = socket as unknown as Socket;
  const counters = newCounters();
  const transcript = new Transcript();
  const acked = new Map<string, Message>();
  let conversationId: string | null = null;
  let hasConnected = false;
  let syncing: Promise<void> | null = null;

  async function syncOnce(): Promise<void> {
    if (conversationId) await readPages(raw, 'conversation:sync', conversationId, transcript, counters);
  }

  /** One sync at a time; a request while one runs waits for it and then syncs again. */
  function sync(): Promise<void> {
    const next = (syncing ?? Promise.resolve()).then(syncOnce, syncOnce);
    syncing = next;
    return next;
  }

  socket.on('connect', () => {
    if (hasConnected) counters.reconnects++;
    hasConnected = true;
    sync().catch(() => undefined);
  });
  // A refused handshake (UNAVAILABLE while the database is down) ends Socket.IO's own retries.
  socket.on('connect_error', () => {
    if (!socket.active) setTimeout(() => socket.connect(), 200 + Math.random() * 300);
  });
  socket.on('message:created', (m) => {
    if (m.conversationId === conversationId) transcript.add(m, 'notification');
  });

  return {
    socket,
    counters,
    transcript,
    /** Acks by clientMsgId: what the server promised to have stored. */
    acked,
    get conversationId() {
      return conversationId;
    },
    async start(): Promise<VisitorConversation> {
      // Routing a burst of starts takes seconds on the embedded database: no resend storm.
      const conversation = await untilAcked<VisitorConversation>(
        raw,
        'conversation:start',
        { requestId: crypto.randomUUID() },
        counters,
        START_ACK_TIMEOUT_MS,
      );
      conversationId = conversation.id;
      await sync();
      return conversation;
    },
    /** Sends one message and resolves with its ack, however many attempts that takes. */
    async send(text: string, clientMsgId: string = crypto.randomUUID()): Promise<Message> {
      if (!conversationId) throw new Error('start() first');
      const message = await untilAcked<Message>(
        raw,
        'message:send',
        { conversationId, clientMsgId, text },
        counters,
        options.ackTimeoutMs,
      );
      acked.set(clientMsgId, message);
      // As the widget does: the ack carries the stored message, so a resync need not fetch it.
      transcript.add(message, 'ack');
      return message;
    },
    sync,
    close: () => socket.disconnect(),
  };
}
export type ResilientVisitor = ReturnType<typeof resilientVisitor>;

/**
 * An agent's console as a test sees it: keeps a transcript per conversation from
 * `message:created`, and fills any gap (a missed notification, a reconnect) with
 * `conversation:open` from its last seq.
 */
export function agentTranscripts(socket: AgentSocket) {
  const raw = socket as unknown as Socket;
  const counters = newCounters();
  const transcripts = new Map<string, Transcript>();
  const transcriptOf = (id: string) => {
    const known = transcripts.get(id);
    if (known) return known;
    const created = new Transcript();
    transcripts.set(id, created);
    return created;
  };

  async function catchUp(conversationId: string): Promise<void> {
    await readPages(raw, 'conversation:open', conversationId, transcriptOf(conversationId), counters);
  }

  socket.on('message:created', (m) => transcriptOf(m.conversationId).add(m, 'notification'));
  socket.on('connect', () => {
    counters.reconnects++;
    for (const id of transcripts.keys()) catchUp(id).catch(() => undefined);
  });

  return {
    counters,
    transcripts,
    catchUp,
    /** Catches up on every conversation it knows, plus `ids`. */
    async catchUpAll(ids: Iterable<string> = []): Promise<void> {
      for (const id of ids) transcriptOf(id);
      // One conversation at a time, as a console opens them: a burst of reads would only queue.
      for (const id of transcripts.keys()) await catchUp(id);
    },
  };
}
