/**
 * Runs one piece of work per key at a time on this node: a second call with the same key while
 * the first runs gets the first's result. A client resending a message whose answer is late (it
 * timed out waiting) then adds no work; without this, every resend to a busy server queues more
 * work behind the first and the server falls further behind [P5].
 */
export function createInFlight<T>() {
  const running = new Map<string, Promise<T>>();
  return {
    share(key: string, work: () => Promise<T>): Promise<T> {
      const known = running.get(key);
      if (known) return known;
      const started = work().finally(() => running.delete(key));
      running.set(key, started);
      return started;
    },
    get size() {
      return running.size;
    },
  };
}
