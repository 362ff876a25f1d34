import { describe, expect, it } from 'vitest';
import { createEmitter, createHovor, type HovorControls, replayQueue } from './hovor-api.js';

function setup() {
  const calls: string[] = [];
  const warnings: string[] = [];
  const controls: HovorControls = {
    open: () => calls.push('open'),
    close: () => calls.push('close'),
    toggle: () => calls.push('toggle'),
    setDepartment: (id) => calls.push(`department:${id}`),
  };
  const emitter = createEmitter();
  const hovor = createHovor(controls, emitter, (text) => warnings.push(text));
  return { calls, warnings, emitter, hovor };
}

/** What the snippet's stub does: `(window.Hovor.q = window.Hovor.q || []).push(arguments)`. */
function stubWith(...queued: unknown[][]) {
  const stub = function stub(..._args: unknown[]) {} as ((...args: unknown[]) => void) & { q?: unknown[][] };
  stub.q = queued;
  return stub;
}

describe('window.Hovor', () => {
  it('forwards open, close and toggle to the loader', () => {
    const { calls, hovor } = setup();
    hovor('open');
    hovor('toggle');
    hovor('close');
    expect(calls).toEqual(['open', 'toggle', 'close']);
  });

  it("calls 'on' listeners until their unsubscribe function is called", () => {
    const { emitter, hovor } = setup();
    let opened = 0;
    const off = hovor('on', 'open', () => opened++);
    emitter.emit('open');
    emitter.emit('close');
    off();
    emitter.emit('open');
    expect(opened).toBe(1);
  });

  it('warns once and does nothing else on an unknown command', () => {
    const { calls, warnings, hovor } = setup();
    (hovor as (...args: unknown[]) => unknown)('explode', 42);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('explode');
    expect(calls).toEqual([]);
  });

  it("rejects 'on' with an unknown event or without a callback", () => {
    const { warnings, hovor } = setup();
    (hovor as (...args: unknown[]) => unknown)('on', 'message', () => {});
    (hovor as (...args: unknown[]) => unknown)('on', 'open');
    expect(warnings).toHaveLength(2);
  });
});

describe('replayQueue', () => {
  it('replays the calls queued by the stub snippet, in order', () => {
    const { calls, emitter, hovor } = setup();
    let closed = 0;
    replayQueue(stubWith(['open'], ['on', 'close', () => closed++], ['toggle']), hovor);
    emitter.emit('close');
    expect(calls).toEqual(['open', 'toggle']);
    expect(closed).toBe(1);
  });

  it('does nothing when no stub was installed or it queued nothing', () => {
    const { calls, hovor } = setup();
    replayQueue(undefined, hovor);
    replayQueue(stubWith(), hovor);
    replayQueue(() => {}, hovor);
    expect(calls).toEqual([]);
  });
});

describe('setDepartment and frame events', () => {
  it('passes a department id or null on, and warns once for anything else', () => {
    const { calls, warnings, hovor } = setup();
    hovor('setDepartment', '65f1c0ffee0000000000beef');
    hovor('setDepartment', null);
    (hovor as (...args: unknown[]) => void)('setDepartment', 'sales');
    (hovor as (...args: unknown[]) => void)('setDepartment', { $ne: 1 });
    expect(calls).toEqual(['department:65f1c0ffee0000000000beef', 'department:null']);
    expect(warnings).toHaveLength(2);
  });

  it('delivers frame events with their data to listeners, until unsubscribed', () => {
    const { emitter, hovor } = setup();
    const seen: unknown[] = [];
    const off = hovor('on', 'queue:position', (data) => seen.push(data));
    hovor('on', 'agent:assigned', (data) => seen.push(data));
    emitter.emit('queue:position', { conversationId: 'c1', position: 2, etaSeconds: null });
    emitter.emit('agent:assigned', { id: 'a1', name: 'Alice' });
    off();
    emitter.emit('queue:position', { conversationId: 'c1', position: 1, etaSeconds: 30 });
    expect(seen).toEqual([
      { conversationId: 'c1', position: 2, etaSeconds: null },
      { id: 'a1', name: 'Alice' },
    ]);
  });

  it('warns for an unknown event name and subscribes nothing', () => {
    const { warnings, hovor } = setup();
    (hovor as (...args: unknown[]) => void)('on', 'everything', () => {});
    expect(warnings).toHaveLength(1);
  });
});
