import type { Collections } from '../db/collections.js';
import { upsertOne } from '../db/upsert.js';

/** Weight of the newest sample in the moving average of waits [RT13]. */
const EWMA_ALPHA = 0.3;

/** The per-site estimate of waiting time per queue position. A cache: races only blur it. */
export function createQueueStatsRepository(c: Collections) {
  return {
    async waitPerPositionMs(siteId: string): Promise<number | null> {
      return (await c.queueStats.findOne({ _id: siteId }))?.ewmaWaitPerPositionMs ?? null;
    },
    async addSample(siteId: string, waitPerPositionMs: number): Promise<void> {
      const current = await this.waitPerPositionMs(siteId);
      const next =
        current === null ? waitPerPositionMs : current + EWMA_ALPHA * (waitPerPositionMs - current);
      await upsertOne(c.queueStats, { _id: siteId }, { $set: { ewmaWaitPerPositionMs: next } });
    },
  };
}
export type QueueStatsRepository = ReturnType<typeof createQueueStatsRepository>;
