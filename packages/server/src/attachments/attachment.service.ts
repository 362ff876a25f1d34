import {
  type Attachment,
  AttachmentType,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENT_NAME_CHARS,
} from '@hovor/protocol';
import type { Agent } from '../agents/agent.repository.js';
import type { Clock } from '../clock.js';
import type { Conversation } from '../conversations/conversation.repository.js';
import type { AttachmentDoc } from '../db/collections.js';
import { AppError } from '../errors.js';
import type { Visitor } from '../visitors/visitor.repository.js';
import { type AttachmentRepository, toAttachment } from './attachment.repository.js';
import { cleanFileName, matchesType } from './sniff.js';

/** Who asks: the visitor of a conversation, or an agent who sees it. */
export type Requester = { type: 'visitor'; visitor: Visitor } | { type: 'agent'; agent: Agent };

/**
 * [P21] Files in conversations: the participants upload them (checked by size, declared type and
 * the bytes themselves) and read them; nobody else learns they exist.
 */
export function createAttachmentService(deps: {
  attachments: AttachmentRepository;
  /** The conversation if the requester may see it; NOT_FOUND otherwise. */
  conversationFor: (requester: Requester, conversationId: string) => Promise<Conversation>;
  clock: Clock;
}) {
  return {
    async upload(
      requester: Requester,
      conversationId: string,
      file: { name: string; type: string; bytes: Uint8Array },
    ): Promise<Attachment> {
      const type = AttachmentType.safeParse(file.type);
      if (!type.success) {
        throw new AppError('BAD_REQUEST', 'Only PNG, JPEG, GIF and WebP images and PDF files can be sent');
      }
      if (file.bytes.length === 0) throw new AppError('BAD_REQUEST', 'The file is empty');
      if (file.bytes.length > MAX_ATTACHMENT_BYTES) {
        throw new AppError('BAD_REQUEST', `A file can have at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
      }
      if (!matchesType(file.bytes, type.data)) {
        throw new AppError('BAD_REQUEST', `The file is not the ${type.data} it says it is`);
      }
      const conversation = await deps.conversationFor(requester, conversationId);
      if (conversation.state === 'closed') throw new AppError('CONFLICT', 'The conversation has ended');
      const doc = await deps.attachments.insert({
        conversationId,
        siteId: conversation.siteId,
        uploader:
          requester.type === 'visitor'
            ? { type: 'visitor', id: requester.visitor.id }
            : { type: 'agent', id: requester.agent.id },
        name: cleanFileName(file.name, MAX_ATTACHMENT_NAME_CHARS),
        type: type.data,
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
