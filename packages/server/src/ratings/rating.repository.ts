import type { Rating } from '@hovor/protocol';
import type { Collections, RatingDoc } from '../db/collections.js';
import { isDuplicateKey } from '../errors.js';

export type NewRating = Omit<RatingDoc, '_id'> & { conversationId: string };

export function toRating(doc: RatingDoc): Rating {
  return {
    conversationId: doc._id,
    score: doc.score,
    comment: doc.comment,
    ratedAt: doc.ratedAt.toISOString(),
  };
}

export function createRatingRepository(c: Collections) {
  return {
    async find(conversationId: string): Promise<RatingDoc | null> {
      return c.ratings.findOne({ _id: conversationId });
    },

    /**
     * Stores the conversation's rating unless it has one: the insert is the claim, so of two
     * at once exactly one is stored (`isNew`), and the other gets the stored one back.
     */
    async claim(rating: NewRating): Promise<{ doc: RatingDoc; isNew: boolean }> {
      const { conversationId, ...rest } = rating;
      const doc: RatingDoc = { _id: conversationId, ...rest };
      try {
        await c.ratings.insertOne(doc);
        return { doc, isNew: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const stored = await c.ratings.findOne({ _id: conversationId });
      if (!stored) throw new Error(`rating of ${conversationId} vanished after a duplicate key`);
      return { doc: stored, isNew: false };
    },
  };
}
export type RatingRepository = ReturnType<typeof createRatingRepository>;
