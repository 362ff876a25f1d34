import type { Collection, Document } from 'mongodb';

/** Documents written at most by one `insertMany`. */
export const MAX_GROUP_SIZE = 256;
/** Group writes of one collection running at once on a node; more documents wait and join the next group. */
export const MAX_GROUPS_IN_FLIGHT = 2;

interface Waiting<T> {
  doc: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The error of one document of a group, as `insertOne` would have thrown it (e.g. code 11000). */
function documentError(writeError: { code?: unknown; errmsg?: unknown }): Error & { code?: unknown } {
  return Object.assign(new Error(String(writeError.errmsg ?? 'write failed')), { code: writeError.code });
}

/** The per-document errors of an `insert` command's reply, by document index. */
function writeErrorsOf(reply: Document): Map<number, Error> {
  const failed = new Map<number, Error>();
  const writeErrors: unknown = reply.writeErrors;
  if (!Array.isArray(writeErrors)) return failed;
  for (const writeError of writeErrors as Array<{ index?: unknown; code?: unknown; errmsg?: unknown }>) {
    if (typeof writeError.index === 'number') failed.set(writeError.index, documentError(writeError));
  }
  return failed;
}

/**
 * Group commit: inserts that arrive while the database is busy are written together, with one
 * unordered `insert` command, instead of one round trip each. Each caller still learns its own
 * document's outcome, as from `insertOne`: resolved when stored, rejected with the document's own
 * error (a duplicate key keeps code 11000, so claims and unique indexes arbitrate as before), or
 * with the command's error when the command failed as a whole (the database away). The command
 * is sent as such, not through the driver's `insertMany`: that one reports a failure of the whole
 * command as a bulk error with no per-document errors, which reads like success.
 * Nothing waits for a timer: a document is written at once when fewer than MAX_GROUPS_IN_FLIGHT
 * groups run, and otherwise with the next group, which grows while the database is slow.
 */
export function createGroupInsert<T extends Document>(collection: Collection<T>) {
  let waiting: Waiting<T>[] = [];
  let inFlight = 0;
  let isScheduled = false;

  async function write(group: Waiting<T>[]): Promise<void> {
    let reply: Document;
    try {
      reply = await collection.db.command({
        insert: collection.collectionName,
        documents: group.map((entry) => entry.doc),
        ordered: false,
      });
    } catch (error) {
      for (const entry of group) entry.reject(error);
      return;
    }
    const failed = writeErrorsOf(reply);
    const stored = typeof reply.n === 'number' ? reply.n : -1;
    if (stored + failed.size !== group.length) {
      const error = new Error(
        `insert answered n=${stored} with ${failed.size} errors for ${group.length} documents`,
      );
      for (const entry of group) entry.reject(error);
      return;
    }
    group.forEach((entry, index) => {
      const own = failed.get(index);
      if (own) entry.reject(own);
      else entry.resolve();
    });
  }

  function flush(): void {
    isScheduled = false;
    while (waiting.length > 0 && inFlight < MAX_GROUPS_IN_FLIGHT) {
      const group = waiting.slice(0, MAX_GROUP_SIZE);
      waiting = waiting.slice(group.length);
      inFlight++;
      void write(group).finally(() => {
        inFlight--;
        flush();
      });
    }
  }

  return {
    /** Stores `doc` with the next group; settles as `insertOne` would. */
    insert(doc: T): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ doc, resolve, reject });
        // Everything that arrives in this turn of the event loop goes out together.
        if (!isScheduled && inFlight < MAX_GROUPS_IN_FLIGHT) {
          isScheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
export type GroupInsert<T extends Document> = ReturnType<typeof createGroupInsert<T>>;
