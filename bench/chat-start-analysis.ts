import type { CoresUsed } from './cpu-window.js';
import { countBy } from './retry.js';
import { type Percentiles, percentiles } from './stats.js';

/**
 * What the chat-starts bench makes of its chats: latency percentiles, assignments per second over
 * time, the longest stall (no chat assigned while some waited), and the errors on the way.
 */

/** One chat started by a visitor. Times are `performance.now()` milliseconds. */
export interface ChatRecord {
  /** When the open loop meant to start it, and when it did (later if the generator lagged). */
  scheduledAt: number;
  startedAt: number;
  /** When the visitor first knew it had an agent (the ack or a `conversation:updated`); null: never. */
  assignedAt: number | null;
  /** Which told it first. */
  assignedBy: 'ack' | 'update' | null;
  /** The state the last OK ack of `conversation:start` carried. */
  ackState: string | null;
  attempts: number;
  /** Every error answer of `conversation:start`, retried or not (`retry.ts`'s `errorLabel`). */
  errors: string[];
  /** The error it ended with (not retryable, or retried until the wait ran out) and when. */
  finalError: { code: string; at: number } | null;
  /** The conversation an OK ack named. */
  conversationId: string | null;
}

export interface Stall {
  /** The longest time no chat got assigned while at least one waited, in seconds. */
  seconds: number;
  /** When it began, in seconds from the first start. */
  fromSec: number;
  /** The most chats waiting during it. */
  maxWaiting: number;
}

export interface RunResult {
  name: string;
  nodes: number;
  arrival: 'steady' | 'burst';
  /** Chats per second offered (null for a burst). */
  offeredPerSec: number | null;
  chats: number;
  assigned: number;
  /** Chats with no assignment within the wait (a final error included). */
  neverAssigned: number;
  /** Error answers of `conversation:start` by code (`+retryAfter`: it carried one), retried ones included. */
  errors: Record<string, number>;
  chatsWithErrors: number;
  /** Chats that ended on an error, by code. */
  finalErrors: Record<string, number>;
  /** Assignments the visitor learnt from the start's ack before any `conversation:updated` said so. */
  assignedFirstByAck: number;
  /** From the first start to the assignment, of the assigned chats. */
  latencyMs: Percentiles;
  /** From the first start to the last start, and the most any start was late against its schedule. */
  arrivalSec: number;
  maxStartLatenessMs: number;
  /** Assigned chats per second, from the first start to the last assignment. */
  assignedPerSec: number;
  /** The most assigned in one second. */
  peakAssignedPerSec: number;
  longestStall: Stall;
  /** The most chats waiting at once (started, neither assigned nor ended on an error). */
  maxWaiting: number;
  /** Per second from the first start: chats started, assigned, and waiting at the second's end. */
  timeline: { startedPerSec: number[]; assignedPerSec: number[]; waitingAtEnd: number[] };
  cores: CoresUsed;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** When a chat stopped waiting: assigned, ended on an error, or never (null). */
function leftQueueAt(chat: ChatRecord): number | null {
  return chat.assignedAt ?? chat.finalError?.at ?? null;
}

interface QueueEvent {
  at: number;
  delta: 1 | -1;
  isAssignment: boolean;
}

/** Chats starting to wait (+1) and leaving the queue (−1), in time order. */
function queueEvents(chats: readonly ChatRecord[]): QueueEvent[] {
  const events: QueueEvent[] = [];
  for (const chat of chats) {
    events.push({ at: chat.startedAt, delta: 1, isAssignment: false });
    const left = leftQueueAt(chat);
    if (left !== null) events.push({ at: left, delta: -1, isAssignment: chat.assignedAt !== null });
  }
  // At one instant, leaving before arriving: a chat assigned at once never counts as waiting.
  return events.sort((a, b) => a.at - b.at || a.delta - b.delta);
}

/** The most chats waiting at once. */
function maxWaitingOf(chats: readonly ChatRecord[]): number {
  let waiting = 0;
  let most = 0;
  for (const event of queueEvents(chats)) {
    waiting += event.delta;
    most = Math.max(most, waiting);
  }
  return most;
}

/**
 * The longest stretch with chats waiting and none assigned. A stretch starts when the first chat
 * starts waiting or at an assignment, and ends at the next assignment, when nobody waits any more
 * (the waiting ones ended on errors), or at `endAt` with chats still waiting.
 */
export function longestStall(chats: readonly ChatRecord[], t0: number, endAt: number): Stall {
  let waiting = 0;
  let since = t0;
  let maxInStretch = 0;
  let best: Stall = { seconds: 0, fromSec: 0, maxWaiting: 0 };
  const close = (at: number) => {
    const seconds = (at - since) / 1000;
    if (seconds > best.seconds) {
      best = { seconds: round2(seconds), fromSec: round1((since - t0) / 1000), maxWaiting: maxInStretch };
    }
  };
  for (const event of queueEvents(chats)) {
    if (event.delta === 1) {
      if (waiting === 0) {
        since = event.at;
        maxInStretch = 0;
      }
      waiting++;
      maxInStretch = Math.max(maxInStretch, waiting);
      continue;
    }
    if (event.isAssignment || waiting === 1) {
      close(event.at);
      since = event.at;
      maxInStretch = waiting - 1;
    }
    waiting--;
  }
  if (waiting > 0) close(endAt);
  return best;
}

/** Per-second counts from `t0` over `seconds` bins. */
function timeline(chats: readonly ChatRecord[], t0: number, endAt: number): RunResult['timeline'] {
  const bins = Math.max(1, Math.ceil((endAt - t0) / 1000));
  const startedPerSec = new Array<number>(bins).fill(0);
  const assignedPerSec = new Array<number>(bins).fill(0);
  const binOf = (at: number) => Math.min(bins - 1, Math.max(0, Math.floor((at - t0) / 1000)));
  for (const chat of chats) {
    startedPerSec[binOf(chat.startedAt)]!++;
    if (chat.assignedAt !== null) assignedPerSec[binOf(chat.assignedAt)]!++;
  }
  const waitingAtEnd = Array.from({ length: bins }, (_, i) => {
    const at = t0 + (i + 1) * 1000;
    return chats.filter((c) => c.startedAt < at && (leftQueueAt(c) ?? Number.POSITIVE_INFINITY) >= at).length;
  });
  return { startedPerSec, assignedPerSec, waitingAtEnd };
}

export function summarize(
  plan: { name: string; nodes: number; offeredPerSec: number | null },
  chats: readonly ChatRecord[],
  waitEndAt: number,
  cores: CoresUsed,
): RunResult {
  const t0 = Math.min(...chats.map((c) => c.startedAt));
  const assigned = chats.filter((c): c is ChatRecord & { assignedAt: number } => c.assignedAt !== null);
  const lastAssignedAt = Math.max(t0, ...assigned.map((c) => c.assignedAt));
  const lastEventAt = Math.max(lastAssignedAt, ...chats.map((c) => c.finalError?.at ?? c.startedAt));
  // With every chat settled the timeline ends at the last event; with some still waiting, at the wait's end.
  const endAt =
    assigned.length + chats.filter((c) => c.finalError).length < chats.length ? waitEndAt : lastEventAt;
  const line = timeline(chats, t0, endAt);
  const spanSec = (lastAssignedAt - t0) / 1000;
  return {
    name: plan.name,
    nodes: plan.nodes,
    arrival: plan.offeredPerSec === null ? 'burst' : 'steady',
    offeredPerSec: plan.offeredPerSec,
    chats: chats.length,
    assigned: assigned.length,
    neverAssigned: chats.length - assigned.length,
    errors: countBy(chats.flatMap((c) => c.errors)),
    chatsWithErrors: chats.filter((c) => c.errors.length > 0).length,
    finalErrors: countBy(
      chats.flatMap((c) => (c.finalError && c.assignedAt === null ? [c.finalError.code] : [])),
    ),
    assignedFirstByAck: chats.filter((c) => c.assignedBy === 'ack').length,
    latencyMs: roundPercentiles(percentiles(assigned.map((c) => c.assignedAt - c.startedAt))),
    arrivalSec: round2((Math.max(...chats.map((c) => c.startedAt)) - t0) / 1000),
    maxStartLatenessMs: round1(Math.max(0, ...chats.map((c) => c.startedAt - c.scheduledAt))),
    assignedPerSec: spanSec > 0 ? round1(assigned.length / spanSec) : 0,
    peakAssignedPerSec: Math.max(0, ...line.assignedPerSec),
    longestStall: longestStall(chats, t0, endAt),
    maxWaiting: maxWaitingOf(chats),
    timeline: line,
    cores,
  };
}

function roundPercentiles(p: Percentiles): Percentiles {
  return { p50: round1(p.p50), p95: round1(p.p95), p99: round1(p.p99), max: round1(p.max) };
}
