import { describe, expect, it } from 'vitest';
import { createUploadSlots } from './upload-slots.js';

describe('upload slots [P21]', () => {
  it('refuses a requester past their own cap while others still get slots', () => {
    const slots = createUploadSlots({ perRequester: 2, perNode: 10 });
    expect(slots.tryAcquire('visitor:a')).not.toBeNull();
    expect(slots.tryAcquire('visitor:a')).not.toBeNull();
    expect(slots.tryAcquire('visitor:a')).toBeNull();
    expect(slots.tryAcquire('agent:b')).not.toBeNull();
    expect(slots.inUse()).toBe(3);
  });

  it('refuses everyone once the node is full, and admits again after a release', () => {
    const slots = createUploadSlots({ perRequester: 2, perNode: 2 });
    const first = slots.tryAcquire('visitor:a');
    slots.tryAcquire('visitor:b');
    expect(slots.tryAcquire('visitor:c')).toBeNull();
    first?.();
    expect(slots.tryAcquire('visitor:c')).not.toBeNull();
  });

  it('frees a slot once however often it is released', () => {
    const slots = createUploadSlots({ perRequester: 1, perNode: 2 });
    const release = slots.tryAcquire('visitor:a');
    release?.();
    release?.();
    expect(slots.inUse()).toBe(0);
    expect(slots.tryAcquire('visitor:a')).not.toBeNull();
    expect(slots.tryAcquire('visitor:a')).toBeNull();
    expect(slots.inUse()).toBe(1);
  });
});
