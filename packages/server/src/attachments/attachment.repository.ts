import type { Attachment } from '@hovor/protocol';
import { Binary } from 'mongodb';
import type { AttachmentDoc, Collections } from '../db/collections.js';
import { newId } from '../db/ids.js';

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
