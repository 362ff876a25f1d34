import type { FrameEventData } from '@hovor/protocol';

/** What the loader can do with the chat window; the API below only forwards to these. */
export interface HovorControls {
  open(): void;
  close(): void;
  toggle(): void;
  /** Keeps the department for the next conversation and tells the frame; null clears it. */
  setDepartment(departmentId: string | null): void;
}

/** The callback argument of each `Hovor('on', …)` event; `open` and `close` have none. */
export type HovorEventData = FrameEventData & { open: undefined; close: undefined };
export type HovorEvent = keyof HovorEventData;

/** The events the chat frame reports; the loader's copy of `FrameEvent`'s names. */
export const FRAME_EVENTS: readonly HovorEvent[] = ['availability', 'queue:position', 'agent:assigned'];
const EVENTS: readonly unknown[] = ['open', 'close', ...FRAME_EVENTS];

/** A department id as the console shows it (the protocol's `Id`). */
const DEPARTMENT_ID = /^[\da-f]{24}$/;

/**
 * The page's `window.Hovor`: controls the chat from the host page.
 *
 * Calls made before the loader arrived are queued by the snippet's stub and replayed in order.
 * A call it cannot understand is ignored with one console warning.
 *
 * @example
 * Hovor('setDepartment', '65f1c0ffee0000000000beef'); // the sales team; null for anyone
 * Hovor('open');
 * const off = Hovor('on', 'queue:position', ({ position }) => badge.show(`You are #${position}`));
 * Hovor('on', 'agent:assigned', ({ name }) => analytics.track('chat assigned', { name }));
 * Hovor('on', 'availability', ({ mode }) => (chatLink.hidden = mode === 'hidden'));
 * off();
 */
export interface Hovor {
  (command: 'open' | 'close' | 'toggle'): void;
  (command: 'setDepartment', departmentId: string | null): void;
  <E extends HovorEvent>(command: 'on', event: E, callback: (data: HovorEventData[E]) => void): () => void;
}

/** The stub snippet's shape: a function that stores its `arguments` in `q`. */
export interface HovorStub {
  q?: ArrayLike<ArrayLike<unknown>>;
}

type Listener = (data?: unknown) => void;

/** Listeners of `Hovor('on', …)`, notified by the loader and by the frame's events. */
export function createEmitter() {
  const listeners: Partial<Record<HovorEvent, Set<Listener>>> = {};
  return {
    on(event: HovorEvent, callback: Listener): () => void {
      // biome-ignore lint/suspicious/noAssignInExpressions: creates the set on first use
      const set = (listeners[event] ||= new Set());
      set.add(callback);
      return () => {
        set.delete(callback);
      };
    },
    emit<E extends HovorEvent>(event: E, data?: HovorEventData[E]): void {
      listeners[event]?.forEach((callback) => {
        callback(data);
      });
    },
  };
}
export type Emitter = ReturnType<typeof createEmitter>;

/** Builds `window.Hovor`; `warn` receives one line per call it cannot understand. */
export function createHovor(controls: HovorControls, emitter: Emitter, warn: (text: string) => void): Hovor {
  function hovor(...args: unknown[]): (() => void) | undefined {
    const [command, arg, callback] = args;
    if (command === 'open' || command === 'close' || command === 'toggle') {
      controls[command]();
    } else if (
      command === 'setDepartment' &&
      (arg === null || (typeof arg === 'string' && DEPARTMENT_ID.test(arg)))
    ) {
      controls.setDepartment(arg);
    } else if (command === 'on' && EVENTS.includes(arg) && typeof callback === 'function') {
      return emitter.on(arg as HovorEvent, callback as Listener);
    } else {
      warn(`[Hovor] ignored bad call: ${String(command)}`);
    }
    return undefined;
  }
  return hovor as Hovor;
}

/** Replays the calls the stub queued before the loader arrived, in order. */
export function replayQueue(stub: unknown, hovor: Hovor): void {
  const queue = typeof stub === 'function' ? (stub as HovorStub).q : undefined;
  if (!queue) return;
  for (const call of Array.from(queue)) {
    (hovor as (...args: unknown[]) => unknown)(...Array.from(call));
  }
}
