import type { Collections } from '../db/collections.js';
import { upsertOne } from '../db/upsert.js';
import { createTurns } from '../turns.js';

/** Weight of the newest sample in the moving average of waits [RT13]. */
const EWMA_ALPHA = 0.3;
/** How long this node trusts the estimate it last read or wrote, in ms (other nodes' samples blur it meanwhile). */
const KNOWN_FOR_MS = 1_000;
/** How long a sample waits to be written with those that follow it, in ms. */
const WRITE_DELAY_MS = 500;

/** The moving average after `samples`, in the order they were taken. */
export function foldSamples(current: number | null, samples: readonly number[]): number | null {
  let value = current;
  for (const sample of samples) value = value === null ? sample : value + EWMA_ALPHA * (sample - value);
  return value;
}

/**
 * The per-queue estimate of waiting time per queue position [RT13]. A cache: races between nodes
 * only blur it. Samples are written behind the assignment that took them, those of one queue
 * within WRITE_DELAY_MS folded into one write; a read of a queue's estimate counts the samples
 * already taken, written or not, so a place published after an assignment counts that
 * assignment's wait. What this node read or wrote last is trusted for a second.
 */
export function createQueueStatsRepository(c: Collections, now: () => number = Date.now) {
  /** Samples and reads of one queue take turns on this node. */
  const turns = createTurns();
  /** Samples not yet folded into the stored estimate, by queue. */
  const pending = new Map<string, number[]>();
  const known = new Map<string, { value: number | null; at: number }>();
  /** The write that will take a queue's pending samples. */
  const writes = new Map<string, Promise<void>>();

  async function read(key: string): Promise<number | null> {
    const remembered = known.get(key);
    if (remembered && now() - remembered.at < KNOWN_FOR_MS) return remembered.value;
    const value = (await c.queueStats.findOne({ _id: key }))?.ewmaWaitPerPositionMs ?? null;
    known.set(key, { value, at: now() });
    return value;
  }

  async function writePending(key: string): Promise<void> {
    const samples = pending.get(key);
    if (!samples) return;
    pending.delete(key);
    const next = foldSamples(await read(key), samples);
    if (next === null) return;
    await upsertOne(c.queueStats, { _id: key }, { $set: { ewmaWaitPerPositionMs: next } });
    known.set(key, { value: next, at: now() });
  }

  return {
    waitPerPositionMs: (key: string): Promise<number | null> =>
      turns.inTurn(key, async () => foldSamples(await read(key), pending.get(key) ?? [])),
    /** Takes a sample; resolves once it is written. */
    addSample(key: string, waitPerPositionMs: number): Promise<void> {
      const samples = pending.get(key);
      if (samples) {
        // A write is already waiting: it takes this sample too.
        samples.push(waitPerPositionMs);
        return writes.get(key)!;
      }
      pending.set(key, [waitPerPositionMs]);
      const written = new Promise<void>((resolve) => setTimeout(resolve, WRITE_DELAY_MS).unref()).then(() =>
        turns.inTurn(key, () => writePending(key)),
      );
      writes.set(key, written);
      void written.then(
        () => writes.get(key) === written && writes.delete(key),
        () => writes.get(key) === written && writes.delete(key),
      );
      return written;
    },
  };
}
export type QueueStatsRepository = ReturnType<typeof createQueueStatsRepository>;
