import { describe, expect, it } from 'vitest';
import { createSafeStorage } from './storage';
import { memoryBackend } from './test-fakes';

describe('createSafeStorage', () => {
  it('reads back what it wrote, through the backend', () => {
    const backend = memoryBackend();
    const storage = createSafeStorage(() => backend);
    storage.set('k', 'v');
    expect(backend.getItem('k')).toBe('v');
    expect(createSafeStorage(() => backend).get('k')).toBe('v');
    storage.remove('k');
    expect(storage.get('k')).toBeNull();
  });

  it('falls back to memory for the life of the page when storage is blocked', () => {
    const storage = createSafeStorage(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    storage.set('k', 'v');
    expect(storage.get('k')).toBe('v');
    storage.remove('k');
    expect(storage.get('k')).toBeNull();
  });

  it('keeps every write in memory once a write fails (a full quota)', () => {
    const backend = memoryBackend();
    const storage = createSafeStorage(() => backend);
    storage.set('a', '1');
    backend.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    storage.set('b', '2');
    expect([storage.get('a'), storage.get('b')]).toEqual(['1', '2']);
  });
});
