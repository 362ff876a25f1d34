import type { Collections, VisitorBlockDoc } from '../db/collections.js';
import { isDuplicateKey } from '../errors.js';

/** A visitor blocked on a site [P26]; `id` is `siteId:visitorId`. */
export type Block = Omit<VisitorBlockDoc, '_id'> & { id: string };

/** One block per visitor and site: the claim's key. */
export const blockIdOf = (siteId: string, visitorId: string) => `${siteId}:${visitorId}`;

const toBlock = ({ _id, ...doc }: VisitorBlockDoc): Block => ({ id: _id, ...doc });

export function createBlockRepository(c: Collections) {
  return {
    /**
     * Blocks the visitor unless they are blocked on the site already: the insert is the claim, so
     * of agents who block at once one writes. Returns the block that stands, and whether it is this one.
     */
    async claim(block: Block): Promise<{ block: Block; isNew: boolean }> {
      const { id, ...fields } = block;
      // A second round only when the block standing was lifted between the insert and the read.
      for (let round = 0; ; round++) {
        try {
          await c.visitorBlocks.insertOne({ _id: id, ...fields });
          return { block, isNew: true };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
        const held = await c.visitorBlocks.findOne({ _id: id });
        if (held) return { block: toBlock(held), isNew: false };
        if (round > 0) throw new Error(`block ${id} keeps vanishing while it is claimed`);
      }
    },

    async findById(id: string): Promise<Block | null> {
      const doc = await c.visitorBlocks.findOne({ _id: id });
      return doc ? toBlock(doc) : null;
    },

    /** A site's blocks, newest first, at most `limit`, made before `before` when given (index `siteId_at`). */
    async listBySite(siteId: string, limit: number, before?: Date): Promise<Block[]> {
      const docs = await c.visitorBlocks
        .find({ siteId, ...(before ? { at: { $lt: before } } : {}) })
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .toArray();
      return docs.map(toBlock);
    },

    /** Lifts a block; false when there was none. */
    async remove(id: string): Promise<boolean> {
      return (await c.visitorBlocks.deleteOne({ _id: id })).deletedCount === 1;
    },
  };
}
export type BlockRepository = ReturnType<typeof createBlockRepository>;
