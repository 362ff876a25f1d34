import type { RateConversationInput, Rating } from '@hovor/protocol';
import type { Conversation } from '../conversations/conversation.repository.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import { type RatingRepository, toRating } from './rating.repository.js';

/** The visitor's rating of a conversation [P17]: the first one stands, a retry finds it. */
export function createRatingService(deps: { ratings: RatingRepository; notifier: Notifier; clock: Clock }) {
  return {
    async ratingOf(conversationId: string): Promise<Rating | null> {
      const doc = await deps.ratings.find(conversationId);
      return doc ? toRating(doc) : null;
    },

    /**
     * Rates `conversation` (its visitor's, checked by the caller) if an agent answered it. The
     * same `requestId` again (a retry, or at once) answers the stored rating, another one is a
     * CONFLICT; only a new rating is announced.
     */
    async rate(conversation: Conversation, input: RateConversationInput): Promise<Rating> {
      if (!conversation.agentId || (conversation.state !== 'assigned' && conversation.state !== 'closed')) {
        throw new AppError('CONFLICT', 'Only a conversation an agent has answered can be rated');
      }
      const comment = input.comment?.trim() ?? '';
      const { doc, isNew } = await deps.ratings.claim({
        conversationId: conversation.id,
        siteId: conversation.siteId,
        agentId: conversation.agentId,
        requestId: input.requestId,
        score: input.score,
        comment: comment.length > 0 ? comment : null,
        ratedAt: deps.clock.now(),
      });
      const rating = toRating(doc);
      if (isNew) deps.notifier.conversationRated(conversation, rating);
      else if (doc.requestId !== input.requestId) {
        throw new AppError('CONFLICT', 'This conversation has already been rated');
      }
      return rating;
    },
  };
}
export type RatingService = ReturnType<typeof createRatingService>;
