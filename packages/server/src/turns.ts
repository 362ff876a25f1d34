/**
 * Work that takes turns per key on this node: a job starts when the previous job with the same
 * key has settled (either way), jobs with different keys run side by side. Other nodes are not
 * covered; what must have one winner across nodes is decided by the database (claims, unique
 * indexes).
 */
export function createTurns() {
  const tails = new Map<string, Promise<void>>();
  return {
    inTurn<T>(key: string, job: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(job, job);
      const settled = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, settled);
      void settled.then(() => {
        if (tails.get(key) === settled) tails.delete(key);
      });
      return result;
    },
    /** Resolves once no job of any key is waiting or running. */
    async idle(): Promise<void> {
      while (tails.size > 0) await Promise.all(tails.values());
    },
    /** Keys with a job waiting or running. */
    get size() {
      return tails.size;
    },
  };
}
export type Turns = ReturnType<typeof createTurns>;
