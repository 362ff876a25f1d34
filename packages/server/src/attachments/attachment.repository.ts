import type { Attachment, Author } from '@hovor/protocol';
import { Binary, type Filter } from 'mongodb';
import type { AttachmentDoc, AttachmentUsageDoc, Collections } from '../db/collections.js';
import { newId } from '../db/ids.js';
import { AppError } from '../errors.js';

export const toAttachment = (doc: Pick<AttachmentDoc, '_id' | 'name' | 'type' | 'size'>): Attachment => ({
  id: doc._id,
  name: doc.name,
  type: doc.type,
  size: doc.size,
});

/** Files and bytes among the usage rows found. */
export interface AttachmentUsage {
  files: number;
  bytes: number;
}

export function createAttachmentRepository(c: Collections) {
  /**
   * At most `maxFiles` rows, never the files themselves. No sort: the rows only add up, and once
   * `maxFiles` are found the quota is full whichever they are.
   */
  async function usage(filter: Filter<AttachmentUsageDoc>, maxFiles: number): Promise<AttachmentUsage> {
    const rows = await c.attachmentUsage.find(filter, { projection: { size: 1 }, limit: maxFiles }).toArray();
    return { files: rows.length, bytes: rows.reduce((sum, row) => sum + row.size, 0) };
  }

  return {
    /**
     * Stores the file and its usage row. The row goes first: if the file then fails to store,
     * its quota is given back, and a row left behind by a crash only errs on the safe side.
     */
    async insert(input: Omit<AttachmentDoc, '_id' | 'data'> & { bytes: Uint8Array }): Promise<AttachmentDoc> {
      const { bytes, ...rest } = input;
      const doc: AttachmentDoc = { _id: newId(), ...rest, data: new Binary(bytes) };
      await c.attachmentUsage.insertOne({
        _id: doc._id,
        conversationId: doc.conversationId,
        visitorId: doc.uploader.type === 'visitor' ? doc.uploader.id : null,
        size: doc.size,
        createdAt: doc.createdAt,
      });
      try {
        await c.attachments.insertOne(doc);
      } catch (error) {
        // Best effort: a row that stays only counts against the quota; the insert's error is the news.
        await c.attachmentUsage.deleteOne({ _id: doc._id }).catch(() => undefined);
        throw error;
      }
      return doc;
    },
    /** [P21] What a conversation's files take, counting at most `maxFiles` of them. */
    usageOfConversation: (conversationId: string, maxFiles: number) => usage({ conversationId }, maxFiles),
    /** [P21] What the files a visitor uploaded take, counting at most `maxFiles` of them. */
    usageOfVisitor: (visitorId: string, maxFiles: number) => usage({ visitorId }, maxFiles),
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
