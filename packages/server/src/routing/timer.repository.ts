import type { Collections } from '../db/collections.js';
import { upsertOne } from '../db/upsert.js';
import { isDuplicateKey } from '../errors.js';

/** The width of a due slot, in ms: a sweep reads the slots that have begun since the last one. */
export const SLOT_MS = 1_000;
/** The slot a moment falls in, as the string the store compares by equality (answered from an index). */
export const slotOf = (at: Date): string => String(Math.floor(at.getTime() / SLOT_MS));

/** Timers one slot read returns at most; the rest fall to the catch-up, which reads by due time. */
const MAX_SLOT_READ = 1_000;

/** What a timer watches: a conversation's current round [RT9][RT11], or an agent without a connection [RT8]. */
export type TimerKind = 'conversation' | 'agent-gone';

export interface Timer {
  id: string;
  kind: TimerKind;
  /** The conversation's or the agent's id. */
  subjectId: string;
  dueAt: Date;
}

/**
 * Timers indexed by when they are due (docs/adr/0019-timers-by-due-time.md): the sweeper reads
 * only what falls due, by slot, instead of every open conversation each second. A timer is a
 * reminder to look, not a decision: whoever fires it reads the truth, acts through claims, and
 * arms it again or removes it. One timer per subject and kind (`kind:subjectId`).
 */
export function createTimerRepository(c: Collections) {
  const toTimer = (doc: { _id: string; kind: TimerKind; subjectId: string; dueAt: Date }): Timer => ({
    id: doc._id,
    kind: doc.kind,
    subjectId: doc.subjectId,
    dueAt: doc.dueAt,
  });
  return {
    /** Sets the subject's timer of this kind to `dueAt` (one per subject and kind). */
    async arm(kind: TimerKind, subjectId: string, dueAt: Date): Promise<void> {
      await upsertOne(
        c.timers,
        { _id: `${kind}:${subjectId}` },
        { $set: { kind, subjectId, dueAt, dueSlot: slotOf(dueAt) } },
      );
    },
    /** Arms the timer only if the subject has none of this kind. */
    async armIfMissing(kind: TimerKind, subjectId: string, dueAt: Date): Promise<void> {
      try {
        await c.timers.insertOne({
          _id: `${kind}:${subjectId}`,
          kind,
          subjectId,
          dueAt,
          dueSlot: slotOf(dueAt),
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },
    /** Timers of one slot (some may be due only later in it). */
    async inSlot(slot: string): Promise<Timer[]> {
      return (await c.timers.find({ dueSlot: slot }).limit(MAX_SLOT_READ).toArray()).map(toTimer);
    },
    /** Every timer due by `now`, `limit` at most: a catch-up after a gap too long to read slot by slot. */
    async dueBy(now: Date, limit: number): Promise<Timer[]> {
      const docs = await c.timers
        .find({ dueAt: { $lte: now } })
        .sort({ dueAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map(toTimer);
    },
    /** Removes the timer unless it was armed again for another time meanwhile. */
    async remove(timer: Timer): Promise<void> {
      await c.timers.deleteOne({ _id: timer.id, dueAt: timer.dueAt });
    },
  };
}
export type TimerRepository = ReturnType<typeof createTimerRepository>;
