import { FRAME_SOURCE } from '@hovor/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createHovor, emit, type Listeners, replayQueue } from './hovor-api.js';
import { SOURCE } from './widget-source.js';

function setup() {
  const sent: unknown[][] = [];
  const listeners: Listeners = {};
  const hovor = createHovor((args) => sent.push(args), listeners);
  const call = hovor as (...args: unknown[]) => unknown;
  return { sent, listeners, hovor, call };
}

/** What the snippet's stub does: `(window.Hovor.q = window.Hovor.q || []).push(arguments)`. */
function stubWith(...queued: unknown[][]) {
  const stub = function stub(..._args: unknown[]) {} as ((...args: unknown[]) => void) & { q?: unknown[] };
  // `arguments` objects, as the stub stores them.
  const argumentsOf = function (this: unknown, ..._args: unknown[]) {
    // biome-ignore lint/complexity/noArguments: the stub's own shape
    return arguments;
  };
  stub.q = queued.map((args) => argumentsOf(...args));
  return stub;
}

describe('window.Hovor in the loader', () => {
  it('passes every call on as it was made, for the launcher frame to check', () => {
    const { sent, call } = setup();
    call('open');
    call('setDepartment', '65f1c0ffee0000000000beef');
    call('explode', 42);
    expect(sent).toEqual([['open'], ['setDepartment', '65f1c0ffee0000000000beef'], ['explode', 42]]);
  });

  it("keeps an 'on' callback on the page and sends true in its place, until unsubscribed", () => {
    const { sent, listeners, hovor } = setup();
    const seen: unknown[] = [];
    const off = hovor('on', 'queue:position', (data) => seen.push(data));
    hovor('on', 'agent:assigned', (data) => seen.push(data));
    expect(sent).toEqual([
      ['on', 'queue:position', true],
      ['on', 'agent:assigned', true],
    ]);
    emit(listeners, 'queue:position', { conversationId: 'c1', position: 2, etaSeconds: null });
    emit(listeners, 'agent:assigned', { id: 'a1', name: 'Alice' });
    off();
    emit(listeners, 'queue:position', { conversationId: 'c1', position: 1, etaSeconds: 30 });
    expect(seen).toEqual([
      { conversationId: 'c1', position: 2, etaSeconds: null },
      { id: 'a1', name: 'Alice' },
    ]);
  });

  it('gives a callback added late the last availability and unread count at once, and only those', () => {
    const { listeners, hovor } = setup();
    const early: unknown[] = [];
    hovor('on', 'availability', (data) => early.push(data));
    emit(listeners, 'availability', { mode: 'hidden', offlineText: '' });
    emit(listeners, 'unread', { count: 2 });
    emit(listeners, 'agent:assigned', { id: 'a1', name: 'Alice' });
    const late: unknown[] = [];
    hovor('on', 'availability', (data) => late.push(data));
    hovor('on', 'unread', (data) => late.push(data));
    hovor('on', 'agent:assigned', (data) => late.push(data)); // a moment, not a state
    expect(late).toEqual([{ mode: 'hidden', offlineText: '' }, { count: 2 }]);
    emit(listeners, 'availability', { mode: 'live', offlineText: '' });
    expect(early).toEqual([
      { mode: 'hidden', offlineText: '' },
      { mode: 'live', offlineText: '' },
    ]);
    expect(late).toEqual([
      { mode: 'hidden', offlineText: '' },
      { count: 2 },
      { mode: 'live', offlineText: '' },
    ]);
  });

  it("sends an 'on' without a callback as it is, so the launcher warns about it", () => {
    const { sent, listeners, call } = setup();
    call('on', 'open');
    expect(sent).toEqual([['on', 'open']]);
    expect(listeners.open).toBeUndefined();
  });

  it('calls every listener even when one throws', () => {
    const { listeners, hovor } = setup();
    let opened = 0;
    hovor('on', 'open', () => {
      throw new Error('the page’s bug');
    });
    hovor('on', 'open', () => opened++);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    emit(listeners, 'open', undefined);
    expect(quiet).toHaveBeenCalledTimes(1);
    quiet.mockRestore();
    expect(opened).toBe(1);
  });

  it('does not use the array methods a hostile page may have replaced', () => {
    const { map, forEach, push } = Array.prototype;
    const { sent, call } = setup();
    const stub = stubWith(['open'], ['toggle']);
    try {
      Array.prototype.map = () => {
        throw new Error('map is broken');
      };
      Array.prototype.forEach = () => {
        throw new Error('forEach is broken');
      };
      replayQueue(stub, call as never);
    } finally {
      Object.assign(Array.prototype, { map, forEach, push });
    }
    expect(sent).toEqual([['open'], ['toggle']]);
  });
});

describe('replayQueue', () => {
  it('replays the calls queued by the stub snippet, in order, callbacks included', () => {
    const { sent, listeners, hovor } = setup();
    let closed = 0;
    replayQueue(stubWith(['open'], ['on', 'close', () => closed++], ['toggle']), hovor);
    emit(listeners, 'close', undefined);
    expect(sent).toEqual([['open'], ['on', 'close', true], ['toggle']]);
    expect(closed).toBe(1);
  });

  it('does nothing when no stub was installed or it queued nothing', () => {
    const { sent, hovor } = setup();
    replayQueue(undefined, hovor);
    replayQueue(stubWith(), hovor);
    replayQueue(() => {}, hovor);
    expect(sent).toEqual([]);
  });
});

describe("the loader's copy of FRAME_SOURCE", () => {
  it('equals the protocol', () => {
    expect(SOURCE).toBe(FRAME_SOURCE);
  });
});
