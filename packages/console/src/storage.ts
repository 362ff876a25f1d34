/** A string key-value store; the console persists only what `outbox-storage.ts` allowlists. */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/**
 * Wraps `localStorage` (passed as a getter, because merely reading `window.localStorage` throws
 * when a browser blocks storage). After the first failure, a full quota included, every call uses
 * memory, so the console keeps working for the life of the page and only loses persistence.
 *
 * @example
 * const storage = createSafeStorage(() => window.localStorage);
 */
export function createSafeStorage(getBackend: () => Storage): KeyValueStore {
  const memory = new Map<string, string>();
  let backend: Storage | null = null;
  let isBlocked = false;

  function attempt<T>(use: (storage: Storage) => T, fallback: () => T): T {
    if (!isBlocked) {
      try {
        backend ??= getBackend();
        return use(backend);
      } catch {
        // Blocked or full: memory (which holds every write) answers from now on.
        isBlocked = true;
      }
    }
    return fallback();
  }

  return {
    get: (key) =>
      attempt(
        (s) => s.getItem(key),
        () => memory.get(key) ?? null,
      ),
    set: (key, value) => {
      memory.set(key, value);
      attempt(
        (s) => s.setItem(key, value),
        () => undefined,
      );
    },
    remove: (key) => {
      memory.delete(key);
      attempt(
        (s) => s.removeItem(key),
        () => undefined,
      );
    },
  };
}
