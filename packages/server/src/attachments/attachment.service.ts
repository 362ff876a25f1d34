import {
  type Attachment,
  type AttachmentType,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENT_NAME_CHARS,
} from '@hovor/protocol';
import type { Agent } from '../agents/agent.repository.js';
import type { Conversation } from '../conversations/conversation.repository.js';
import type { AttachmentDoc } from '../db/collections.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Visitor } from '../visitors/visitor.repository.js';
import { type AttachmentRepository, toAttachment } from './attachment.repository.js';
import { cleanFileName, matchesType } from './sniff.js';
import { megabytes, TOO_LARGE_MESSAGE, type UploadLimits } from './upload-limits.js';

/** Who asks: the visitor of a conversation, or an agent who sees it. */
export type Requester = { type: 'visitor'; visitor: Visitor } | { type: 'agent'; agent: Agent };

/**
 * [P21] Files in conversations: the participants upload them (checked by who asks, the
 * conversation's and the visitor's quotas, the declared size and type, then the bytes themselves)
 * and read them; nobody else learns they exist.
 */
export function createAttachmentService(deps: {
  attachments: AttachmentRepository;
  /** The conversation if the requester may see it; NOT_FOUND otherwise. */
  conversationFor: (requester: Requester, conversationId: string) => Promise<Conversation>;
  limits: Pick<
    UploadLimits,
    'filesPerConversation' | 'bytesPerConversation' | 'filesPerVisitor' | 'bytesPerVisitor'
  >;
  clock: Clock;
}) {
  const { limits } = deps;
  return {
    /** [P21] The conversation `requester` may upload to: theirs (else NOT_FOUND) and open (else CONFLICT). */
    async conversationForUpload(requester: Requester, conversationId: string): Promise<Conversation> {
      const conversation = await deps.conversationFor(requester, conversationId);
      if (conversation.state === 'closed') throw new AppError('CONFLICT', 'The conversation has ended');
      return conversation;
    },

    /**
     * [P21] CONFLICT when a file of `size` bytes would take the conversation or the uploading
     * visitor past their quota: what is stored stays, so waiting would not help (not RATE_LIMITED).
     */
    async checkQuota(requester: Requester, conversation: Conversation, size: number): Promise<void> {
      const [inConversation, ofVisitor] = await Promise.all([
        deps.attachments.usageOfConversation(conversation.id, limits.filesPerConversation),
        requester.type === 'visitor'
          ? deps.attachments.usageOfVisitor(requester.visitor.id, limits.filesPerVisitor)
          : null,
      ]);
      if (
        inConversation.files >= limits.filesPerConversation ||
        inConversation.bytes + size > limits.bytesPerConversation
      ) {
        throw new AppError(
          'CONFLICT',
          `A conversation can hold at most ${limits.filesPerConversation} files and ${megabytes(limits.bytesPerConversation)}; this one has no room for this file`,
        );
      }
      if (
        ofVisitor &&
        (ofVisitor.files >= limits.filesPerVisitor || ofVisitor.bytes + size > limits.bytesPerVisitor)
      ) {
        throw new AppError(
          'CONFLICT',
          `A visitor can send at most ${limits.filesPerVisitor} files and ${megabytes(limits.bytesPerVisitor)} in all; you have no room for this file`,
        );
      }
    },

    /** [P21] Stores a file admitted by {@link conversationForUpload} and {@link checkQuota}, once its bytes match its type. */
    async store(
      requester: Requester,
      conversation: Conversation,
      file: { name: string; type: AttachmentType; bytes: Uint8Array },
    ): Promise<Attachment> {
      if (file.bytes.length === 0) throw new AppError('BAD_REQUEST', 'The file is empty');
      if (file.bytes.length > MAX_ATTACHMENT_BYTES) throw new AppError('BAD_REQUEST', TOO_LARGE_MESSAGE);
      if (!matchesType(file.bytes, file.type)) {
        throw new AppError('BAD_REQUEST', `The file is not the ${file.type} it says it is`);
      }
      const doc = await deps.attachments.insert({
        conversationId: conversation.id,
        siteId: conversation.siteId,
        uploader:
          requester.type === 'visitor'
            ? { type: 'visitor', id: requester.visitor.id }
            : { type: 'agent', id: requester.agent.id },
        name: cleanFileName(file.name, MAX_ATTACHMENT_NAME_CHARS),
        type: file.type,
        size: file.bytes.length,
        bytes: file.bytes,
        createdAt: deps.clock.now(),
      });
      return toAttachment(doc);
    },

    /** The file with its bytes, for a participant of its conversation; NOT_FOUND for anyone else. */
    async read(requester: Requester, id: string): Promise<AttachmentDoc> {
      const doc = await deps.attachments.find(id);
      if (!doc) throw new AppError('NOT_FOUND', 'No such file');
      await deps.conversationFor(requester, doc.conversationId);
      return doc;
    },
  };
}
export type AttachmentService = ReturnType<typeof createAttachmentService>;
