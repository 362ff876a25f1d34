import type { MessageRepository, NewMessage, StoredMessage } from '../messages/message.repository.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { Conversation, ConversationRepository } from './conversation.repository.js';

/** The author of what Hovor itself writes into a transcript (events, closings). */
export const SYSTEM_AUTHOR = { type: 'system', id: null, name: null } as const;

/**
 * The `clientMsgId` of what Hovor writes itself (events, transfer notes, offline messages). The
 * `.` keeps these out of the clients' id space (`ClientId` is `[A-Za-z0-9_-]`), so no client can
 * take the id of an event before it is written or read a note by naming its id [P23].
 */
export const serverMsgId = (name: string) => `sys.${name}`;

/**
 * Appends to a conversation's transcript and tells the clients, in that order: nothing is
 * announced before it is stored.
 */
export function createTranscript(deps: {
  messages: MessageRepository;
  conversations: ConversationRepository;
  notifier: Notifier;
  clock: Clock;
}) {
  return {
    /**
     * Stores the message; returns it with the conversation as it is after the append. With
     * `isCacheLater` the conversation's activity cache is written behind (messages people send:
     * the ack waits for the message, not for a cache).
     */
    async append(
      conversation: Conversation,
      message: NewMessage,
      options: { isCacheLater?: boolean } = {},
    ): Promise<{ message: StoredMessage; conversation: Conversation; isNew: boolean }> {
      const { message: stored, isNew } = await deps.messages.append(
        message,
        deps.clock.now(),
        conversation.lastSeq,
      );
      const afterAppend = { ...conversation, lastSeq: Math.max(conversation.lastSeq, stored.seq) };
      if (!isNew) return { message: stored, conversation: afterAppend, isNew };
      const preview = stored.kind === 'text' ? stored.text : null;
      const note = { seq: stored.seq, text: preview, at: stored.createdAt };
      if (options.isCacheLater) deps.conversations.noteMessageLater(conversation.id, note);
      else await deps.conversations.noteMessage(conversation.id, note);
      const updated: Conversation = {
        ...conversation,
        lastSeq: Math.max(conversation.lastSeq, stored.seq),
        lastMessageText: preview ?? conversation.lastMessageText,
        lastMessageAt: stored.createdAt,
      };
      deps.notifier.messageCreated(updated, stored);
      return { message: stored, conversation: updated, isNew };
    },
  };
}
export type Transcript = ReturnType<typeof createTranscript>;
