import { ObjectId } from 'mongodb';

/** A new id: a hex ObjectId, time-ordered and safe to show on the wire. */
export function newId(): string {
  return new ObjectId().toHexString();
}
