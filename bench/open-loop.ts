import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Ack, ErrorCode, Message } from '../packages/protocol/src/index.js';
import type { Pair } from './message-targets.js';

/**
 * The open-loop load generator of the messages bench: visitors send `message:send` at a fixed
 * offered rate, whether or not earlier sends were answered (as many independent people would),
 * spread round-robin over the pairs. Every send is recorded with when its ack came, what it said,
 * and when (and how often, and to whom) the message reached an agent.
 */

/** One message sent. Times are `performance.now()` milliseconds. */
export interface SendRecord {
  clientMsgId: string;
  conversationId: string;
  pair: number;
  /** The phase (step, overload run) that sent it. */
  phase: string;
  sentAt: number;
  ackAt: number | null;
  /** OK for a success, else the error's code; null while unanswered. */
  outcome: 'OK' | ErrorCode | null;
  retryAfterMs: number | null;
  /** The first time an agent received it as `message:created`. */
  deliveredAt: number | null;
  /** Every `message:created` of it, to any agent (more than 1: a duplicate delivery). */
  deliveries: number;
  /** Deliveries to an agent other than the pair's. */
  misrouted: number;
}

/** The text of every message: about 100 characters, like a typical chat line. */
export const MESSAGE_TEXT =
  'Hello, I ordered the blue jacket last week and the tracking page still says pending. Can you check?';
/** The send loop wakes this often and sends what has come due since (several per wake at high rates). */
const TICK_MS = 1;
/** How often a drain looks for answers still missing. */
const DRAIN_POLL_MS = 25;

export interface OpenLoop {
  /** Every message sent so far, by clientMsgId. */
  records: ReadonlyMap<string, SendRecord>;
  /** Sends at `ratePerSec` from `startAt` for `durationMs`; resolves with what it sent. */
  send(phase: string, ratePerSec: number, startAt: number, durationMs: number): Promise<SendRecord[]>;
  /** Waits until each record is answered (and, if ok, delivered), or `timeoutMs`; returns the wait. */
  drain(records: readonly SendRecord[], timeoutMs: number): Promise<number>;
  /** Events the agents received that were not `message:created` of a bench message (fan-out). */
  otherAgentEvents(): number;
  /** Sockets the server or the network disconnected. */
  disconnects(): number;
  dispose(): void;
}

const isSettled = (record: SendRecord) =>
  record.outcome !== null && (record.outcome !== 'OK' || record.deliveredAt !== null);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function createOpenLoop(pairs: readonly Pair[]): OpenLoop {
  const records = new Map<string, SendRecord>();
  /** Unique per run, so the clientMsgIds of two runs on one database never meet. */
  const runTag = randomBytes(4).toString('hex');
  let sequence = 0;
  let nextPair = 0;
  let otherAgentEvents = 0;
  let disconnects = 0;
  const disposers: (() => void)[] = [];

  for (const pair of pairs) {
    const onCreated = (message: Message) => {
      const record = message.clientMsgId === null ? undefined : records.get(message.clientMsgId);
      if (!record) {
        otherAgentEvents++;
        return;
      }
      record.deliveries++;
      record.deliveredAt ??= performance.now();
      if (record.pair !== pair.index) record.misrouted++;
    };
    const onUpdated = () => otherAgentEvents++;
    const onDisconnect = () => disconnects++;
    pair.agent.on('message:created', onCreated);
    pair.agent.on('conversation:updated', onUpdated);
    pair.agent.on('disconnect', onDisconnect);
    pair.visitor.on('disconnect', onDisconnect);
    disposers.push(() => {
      pair.agent.off('message:created', onCreated);
      pair.agent.off('conversation:updated', onUpdated);
    });
  }

  function sendOne(phase: string): SendRecord {
    const pair = pairs[nextPair]!;
    nextPair = (nextPair + 1) % pairs.length;
    const record: SendRecord = {
      clientMsgId: `${runTag}-${(sequence++).toString(36)}`,
      conversationId: pair.conversationId,
      pair: pair.index,
      phase,
      sentAt: performance.now(),
      ackAt: null,
      outcome: null,
      retryAfterMs: null,
      deliveredAt: null,
      deliveries: 0,
      misrouted: 0,
    };
    records.set(record.clientMsgId, record);
    const input = {
      conversationId: pair.conversationId,
      clientMsgId: record.clientMsgId,
      text: MESSAGE_TEXT,
    };
    pair.visitor.emit('message:send', input, (ack: Ack<Message>) => {
      if (record.outcome !== null) return;
      record.ackAt = performance.now();
      record.outcome = ack.ok ? 'OK' : ack.error.code;
      record.retryAfterMs = ack.ok ? null : (ack.error.retryAfterMs ?? null);
    });
    return record;
  }

  return {
    records,
    async send(phase, ratePerSec, startAt, durationMs) {
      const sent: SendRecord[] = [];
      const total = Math.round((ratePerSec * durationMs) / 1000);
      while (sent.length < total) {
        // Open loop: what is due by now goes out now, however late the loop woke.
        const due = Math.min(total, Math.floor(((performance.now() - startAt) * ratePerSec) / 1000));
        while (sent.length < due) sent.push(sendOne(phase));
        if (sent.length < total) await sleep(Math.min(TICK_MS, startAt + durationMs - performance.now()));
      }
      return sent;
    },
    async drain(sent, timeoutMs) {
      const began = performance.now();
      let waiting = sent.filter((record) => !isSettled(record));
      while (waiting.length > 0 && performance.now() - began < timeoutMs) {
        await sleep(DRAIN_POLL_MS);
        waiting = waiting.filter((record) => !isSettled(record));
      }
      return performance.now() - began;
    },
    otherAgentEvents: () => otherAgentEvents,
    disconnects: () => disconnects,
    dispose() {
      for (const dispose of disposers) dispose();
    },
  };
}
