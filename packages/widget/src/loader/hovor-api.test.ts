import { describe, expect, it } from 'vitest';
import { createEmitter, createHovor, type HovorControls, replayQueue } from './hovor-api.js';

function setup() {
  const calls: string[] = [];
  const warnings: string[] = [];
  const controls: HovorControls = {
    open: () => calls.push('open'),
    close: () => calls.push('close'),
    toggle: () => calls.push('toggle'),
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
