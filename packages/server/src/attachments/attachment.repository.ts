import type { Attachment, Author } from '@hovor/protocol';
import { Binary } from 'mongodb';
import type { AttachmentDoc, Collections } from '../db/collections.js';
import { newId } from '../db/ids.js';
import { AppError } from '../errors.js';

export const toAttachment = (doc: Pick<AttachmentDoc, '_id' | 'name' | 'type' | 'size'>): Attachment => ({
  id: doc._id,
  name: doc.name,
  type: doc.type,
  size: doc.size,
});

export function createAttachmentRepository(c: Collections) {
  return {
    async insert(input: Omit<AttachmentDoc, '_id' | 'data'> & { bytes: Uint8Array }): Promise<AttachmentDoc> {
      const { bytes, ...rest } = input;
      const doc: AttachmentDoc = { _id: newId(), ...rest, data: new Binary(bytes) };
      await c.attachments.insertOne(doc);
      return doc;
    },
    /** The file's description, without its bytes. */
    async describe(id: string): Promise<Omit<AttachmentDoc, 'data'> | null> {
      return c.attachments.findOne({ _id: id }, { projection: { data: 0 } });
    },
    async find(id: string): Promise<AttachmentDoc | null> {
      return c.attachments.findOne({ _id: id });
    },
  };
}
export type AttachmentRepository = ReturnType<typeof createAttachmentRepository>;

/**
 * [P21] The file a message carries: uploaded to this conversation by this author, else
 * BAD_REQUEST (an id of another conversation or side is no way to reach its file).
 */
export async function attachmentForMessage(
  attachments: AttachmentRepository,
  conversationId: string,
  author: Author,
  attachmentId: string | undefined,
): Promise<Attachment | null> {
  if (!attachmentId) return null;
  const doc = await attachments.describe(attachmentId);
  if (
    doc?.conversationId !== conversationId ||
    doc.uploader.type !== author.type ||
    doc.uploader.id !== author.id
  ) {
    throw new AppError('BAD_REQUEST', 'No such file uploaded by you to this conversation');
  }
  return toAttachment(doc);
}
