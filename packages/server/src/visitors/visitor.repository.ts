import type { Collections, VisitorDoc } from '../db/collections.js';
import { newId } from '../db/ids.js';

export type Visitor = { id: string; siteId: string; name: string };

function toVisitor(doc: VisitorDoc): Visitor {
  return { id: doc._id, siteId: doc.siteId, name: doc.name };
}

export function createVisitorRepository(c: Collections) {
  return {
    async create(input: { siteId: string; tokenHash: string; name: string }, now: Date): Promise<Visitor> {
      const doc: VisitorDoc = { _id: newId(), ...input, createdAt: now };
      await c.visitors.insertOne(doc);
      return toVisitor(doc);
    },
    /** Name and e-mail the visitor gave (the offline form). Only the visitor writes these. */
    async setContact(id: string, name: string, email: string): Promise<void> {
      await c.visitors.updateOne({ _id: id }, { $set: { name, email } });
    },
    async findByTokenHash(tokenHash: string): Promise<Visitor | null> {
      const doc = await c.visitors.findOne({ tokenHash });
      return doc ? toVisitor(doc) : null;
    },
  };
}
export type VisitorRepository = ReturnType<typeof createVisitorRepository>;
