/** Entries a node keeps at most; the least recently read go first. */
export const MAX_CACHED_ENTRIES = 10_000;
/** Longest an entry is trusted without a change notice, in ms: a notice lost between nodes heals within this. */
export const MAX_ENTRY_AGE_MS = 30_000;

/**
 * A node's copy of documents that change rarely and are read on every command (a conversation's
 * state and owner). Whoever changes a document calls `invalidate` (here, and through the cluster
 * bus on every other node), so a read after the change reads the store again. A read that was
 * already running when the change came does not put its older answer in the cache: each key
 * counts its changes, and an answer is kept only if none came while it was read.
 */
export function createReadCache<T>(load: (key: string) => Promise<T | null>, now = () => performance.now()) {
  const entries = new Map<string, { value: T; at: number }>();
  /** Changes seen per key while a read of it ran; a key is here only while reads of it run. */
  const changes = new Map<string, { reads: number; changes: number }>();

  async function read(key: string): Promise<T | null> {
    const counter = changes.get(key) ?? { reads: 0, changes: 0 };
    counter.reads++;
    changes.set(key, counter);
    const seen = counter.changes;
    try {
      const value = await load(key);
      if (value !== null && counter.changes === seen) {
        entries.set(key, { value, at: now() });
        if (entries.size > MAX_CACHED_ENTRIES) entries.delete(entries.keys().next().value!);
      }
      return value;
    } finally {
      if (--counter.reads === 0) changes.delete(key);
    }
  }

  return {
    async get(key: string): Promise<T | null> {
      const entry = entries.get(key);
      if (entry && now() - entry.at < MAX_ENTRY_AGE_MS) {
        // Most recently read last: the first key is the one to drop.
        entries.delete(key);
        entries.set(key, entry);
        return entry.value;
      }
      return read(key);
    },
    invalidate(key: string): void {
      entries.delete(key);
      const counter = changes.get(key);
      if (counter) counter.changes++;
    },
    get size() {
      return entries.size;
    },
  };
}
export type ReadCache<T> = ReturnType<typeof createReadCache<T>>;
