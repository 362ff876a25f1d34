import type { VisitorAttributes, VisitorProfile } from '@hovor/protocol';
import type { Collections, VisitorAttributesDoc, VisitorDoc } from '../db/collections.js';
import { newId } from '../db/ids.js';
import { isDuplicateKey } from '../errors.js';

export type Visitor = { id: string; siteId: string; name: string };

/** What a token opens: the visitor, whether a site's user is linked to it, and when it was last used. */
export type TokenHolder = Visitor & { userId: string | null; lastSeenAt: Date };

function toVisitor(doc: VisitorDoc): Visitor {
  return { id: doc._id, siteId: doc.siteId, name: doc.name };
}

/** [P19] The stored attributes as the page gave them (pairs, or the older object form). */
function attributesOf(doc: VisitorAttributesDoc | null): Record<string, string | number | boolean> {
  if (doc?.entries) return Object.fromEntries(doc.entries.map(({ key, value }) => [key, value]));
  return { ...doc?.attributes };
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
    /** [P20] What the pre-chat form gave: the name and e-mail, each when given. */
    async setAbout(id: string, about: { name?: string; email?: string }): Promise<void> {
      const set = {
        ...(about.name ? { name: about.name } : {}),
        ...(about.email ? { email: about.email } : {}),
      };
      if (Object.keys(set).length > 0) await c.visitors.updateOne({ _id: id }, { $set: set });
    },
    async findByTokenHash(tokenHash: string): Promise<TokenHolder | null> {
      const doc = await c.visitors.findOne({ tokenHash });
      if (!doc) return null;
      return { ...toVisitor(doc), userId: doc.userId ?? null, lastSeenAt: doc.lastSeenAt ?? doc.createdAt };
    },
    /** Moves the token's sliding expiry on [P24]. */
    async noteSeen(id: string, now: Date): Promise<void> {
      await c.visitors.updateOne({ _id: id }, { $set: { lastSeenAt: now } });
    },
    async findById(id: string): Promise<Visitor | null> {
      const doc = await c.visitors.findOne({ _id: id });
      return doc ? toVisitor(doc) : null;
    },

    /** [P19] The visitor a site's user is, if one is linked yet. */
    async findIdentity(siteId: string, userId: string): Promise<string | null> {
      const doc = await c.visitorIdentities.findOne({ _id: `${siteId}:${userId}` });
      return doc?.visitorId ?? null;
    },
    /**
     * [P19] Links the site's user to `visitorId` unless they are linked already: the insert is
     * the claim, so two devices identifying at once end up as one visitor. Returns the linked one.
     */
    async claimIdentity(siteId: string, userId: string, visitorId: string, now: Date): Promise<string> {
      const _id = `${siteId}:${userId}`;
      try {
        await c.visitorIdentities.insertOne({ _id, visitorId, createdAt: now });
        return visitorId;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const linked = await c.visitorIdentities.findOne({ _id });
      if (!linked) throw new Error(`identity ${_id} vanished after a duplicate key`);
      return linked.visitorId;
    },
    /**
     * [P19] The user id, and the name and e-mail the site's token gave (when it gave them); writes
     * only what changed, so a reconnect of a known user writes nothing.
     */
    async setIdentity(id: string, userId: string, name: string | null, email: string | null): Promise<void> {
      const doc = await c.visitors.findOne({ _id: id });
      const changes = {
        ...(doc?.userId !== userId ? { userId } : {}),
        ...(name && doc?.name !== name ? { name } : {}),
        ...(name && doc?.identityName !== name ? { identityName: name } : {}),
        ...(email && doc?.email !== email ? { email } : {}),
        ...(email && doc?.identityEmail !== email ? { identityEmail: email } : {}),
      };
      if (Object.keys(changes).length > 0) await c.visitors.updateOne({ _id: id }, { $set: changes });
    },
    async userIdOf(id: string): Promise<string | null> {
      return (await c.visitors.findOne({ _id: id }))?.userId ?? null;
    },

    /**
     * [P19] Merges the page's attributes (null removes a key) and returns the stored set; stores
     * nothing and returns null when the set would have more than `maxKeys`.
     */
    async mergeAttributes(
      id: string,
      changes: VisitorAttributes,
      maxKeys: number,
      now: Date,
    ): Promise<Record<string, string | number | boolean> | null> {
      const held = attributesOf(await c.visitorAttributes.findOne({ _id: id }));
      const merged: Record<string, string | number | boolean> = { ...held };
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      if (Object.keys(merged).length > maxKeys) return null;
      await c.visitorAttributes.replaceOne(
        { _id: id },
        { entries: Object.entries(merged).map(([key, value]) => ({ key, value })), updatedAt: now },
        { upsert: true },
      );
      return merged;
    },

    /** Who the visitor is, for the agents. */
    async profile(id: string): Promise<VisitorProfile> {
      const [doc, attributes] = await Promise.all([
        c.visitors.findOne({ _id: id }),
        c.visitorAttributes.findOne({ _id: id }),
      ]);
      return {
        name: doc?.name ?? 'Visitor',
        email: doc?.email ?? null,
        userId: doc?.userId ?? null,
        isNameVerified: !!doc?.userId && !!doc.identityName && doc.identityName === doc.name,
        isEmailVerified: !!doc?.userId && !!doc.identityEmail && doc.identityEmail === doc.email,
        attributes: attributesOf(attributes),
      };
    },
  };
}
export type VisitorRepository = ReturnType<typeof createVisitorRepository>;
