import type { Collection, Document, Filter, UpdateFilter } from 'mongodb';
import { isDuplicateKey } from '../errors.js';

/**
 * An update that creates the document when missing. Two first writers may both try to insert
 * it; the loser's duplicate-key error means the document exists now, so it updates instead.
 */
export async function upsertOne<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  update: UpdateFilter<T>,
): Promise<void> {
  try {
    await collection.updateOne(filter, update, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await collection.updateOne(filter, update);
  }
}
