import { describe, expect, it } from 'vitest';
import { createSafeStorage } from './storage.js';

function fakeStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (key) => map.get(key) ?? null,
    key: (index) => [...map.keys()][index] ?? null,
    removeItem: (key) => {
      map.delete(key);
    },
    setItem: (key, value) => {
      map.set(key, value);
    },
  };
}

describe('createSafeStorage', () => {
  it('reads and writes through to the browser storage when it works', () => {
    const backend = fakeStorage();
    const store = createSafeStorage(() => backend);
    store.set('k', 'v');
    expect(backend.getItem('k')).toBe('v');
    expect(store.get('k')).toBe('v');
    store.remove('k');
    expect(backend.getItem('k')).toBeNull();
  });

  it('falls back to memory when reaching localStorage throws (blocked third-party storage)', () => {
    const store = createSafeStorage(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    expect(store.get('k')).toBeNull();
    store.set('k', 'v');
    expect(store.get('k')).toBe('v');
    store.remove('k');
    expect(store.get('k')).toBeNull();
  });

  it('keeps values written before storage started failing (quota exceeded mid-session)', () => {
    const backend = fakeStorage();
    const store = createSafeStorage(() => backend);
    store.set('a', '1');
    backend.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    store.set('b', '2');
    expect(store.get('a')).toBe('1');
    expect(store.get('b')).toBe('2');
  });
});
