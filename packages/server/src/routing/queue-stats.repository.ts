import type { Collections } from '../db/collections.js';
import { upsertOne } from '../db/upsert.js';
import { createTurns } from '../turns.js';

/** Weight of the newest sample in the moving average of waits [RT13]. */
const EWMA_ALPHA = 0.3;

/**
 * The per-queue estimate of waiting time per queue position [RT13]. A cache: races between nodes
 * only blur it. Samples are written behind the assignment that took them; on this node they are
 * written one at a time per queue, and a read of a queue's estimate waits for the samples already
 * taken, so a place published after an assignment counts that assignment's wait.
 */
export function createQueueStatsRepository(c: Collections) {
  /** Samples and reads of one queue take turns on this node. */
  const turns = createTurns();

  async function read(key: string): Promise<number | null> {
    return (await c.queueStats.findOne({ _id: key }))?.ewmaWaitPerPositionMs ?? null;
  }

  async function write(key: string, waitPerPositionMs: number): Promise<void> {
    const current = await read(key);
    const next = current === null ? waitPerPositionMs : current + EWMA_ALPHA * (waitPerPositionMs - current);
    await upsertOne(c.queueStats, { _id: key }, { $set: { ewmaWaitPerPositionMs: next } });
  }

  return {
    waitPerPositionMs: (key: string): Promise<number | null> => turns.inTurn(key, () => read(key)),
    addSample: (key: string, waitPerPositionMs: number): Promise<void> =>
      turns.inTurn(key, () => write(key, waitPerPositionMs)),
  };
}
export type QueueStatsRepository = ReturnType<typeof createQueueStatsRepository>;
