import type { PageView } from '@hovor/protocol';
import type { Collections, PageViewDoc } from '../db/collections.js';
import { newId } from '../db/ids.js';

export const toPageView = (doc: PageViewDoc): PageView => ({
  url: doc.url,
  title: doc.title,
  viewedAt: doc.viewedAt.toISOString(),
});

export function createPageViewRepository(c: Collections) {
  return {
    async latest(visitorId: string): Promise<PageViewDoc | null> {
      return c.pageViews.findOne({ visitorId }, { sort: { viewedAt: -1 } });
    },

    /** [P19] The views of an anonymous visitor since `since` become the signed-in user's. */
    async moveSince(fromVisitorId: string, toVisitorId: string, since: Date): Promise<void> {
      await c.pageViews.updateMany(
        { visitorId: fromVisitorId, viewedAt: { $gte: since } },
        { $set: { visitorId: toVisitorId } },
      );
    },

    async insert(view: Omit<PageViewDoc, '_id'>): Promise<PageViewDoc> {
      const doc: PageViewDoc = { _id: newId(), ...view };
      await c.pageViews.insertOne(doc);
      return doc;
    },

    /** The visitor's views in [from, to], the newest `limit`, oldest first. */
    async between(visitorId: string, from: Date, to: Date | null, limit: number): Promise<PageViewDoc[]> {
      const viewedAt = to ? { $gte: from, $lte: to } : { $gte: from };
      const docs = await c.pageViews
        .find({ visitorId, viewedAt })
        .sort({ viewedAt: -1 })
        .limit(limit)
        .toArray();
      return docs.reverse();
    },
  };
}
export type PageViewRepository = ReturnType<typeof createPageViewRepository>;
