import type { FrameEventData } from '@hovor/protocol';

/** The callback argument of each `Hovor('on', …)` event. */
export type HovorEventData = FrameEventData & {
  ready: undefined;
  open: undefined;
  close: undefined;
  unread: { count: number };
};
export type HovorEvent = keyof HovorEventData;

/**
 * The page's `window.Hovor`. The loader does not check calls: it passes each to the launcher
 * frame, which checks it against the protocol's `PAGE_COMMANDS` and warns in the page's console
 * about one it cannot understand. Only `on` is served here, since callbacks stay on the page.
 */
export interface Hovor {
  (command: 'open' | 'close' | 'toggle' | 'show' | 'hide' | 'reset'): void;
  (command: 'identify', identity: { token: string }): void;
  (command: 'setAttributes', attributes: Record<string, string | number | boolean | null>): void;
  (command: 'setDepartment', departmentId: string | null): void;
  (command: 'setLocale', locale: string): void;
  <E extends HovorEvent>(command: 'on', event: E, callback: (data: HovorEventData[E]) => void): () => void;
}

/** The stub snippet's shape: a function that stores its `arguments` in `q`. */
export interface HovorStub {
  q?: ArrayLike<ArrayLike<unknown>>;
}

type Listener = (data: unknown) => void;
/**
 * The page's `on` callbacks by event name; for an event that tells a state (`availability`,
 * `unread`), with its last data, which a callback added later gets at once.
 */
export type Listeners = Record<string, (Set<Listener> & { last?: { data: unknown } }) | undefined>;

// The loader runs on pages that may have replaced built-ins (Array.prototype.map, JSON, fetch):
// it copies and loops by index and never calls them.

/** A copy of `list` as an array, made without Array.prototype methods. */
function copy(list: ArrayLike<unknown>): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < list.length; i++) out[i] = list[i];
  return out;
}

/** The set of `name`'s callbacks, made on first use. */
function listenersOf(listeners: Listeners, name: string): NonNullable<Listeners[string]> {
  // biome-ignore lint/suspicious/noAssignInExpressions: creates the set on first use
  return (listeners[name] ||= new Set());
}

/**
 * Builds `window.Hovor`: `send` gets every call's arguments (an `on` callback replaced by `true`,
 * since a function cannot be posted); `on` callbacks go into `listeners`, and `on` returns the
 * function that removes its callback.
 */
export function createHovor(send: (args: unknown[]) => void, listeners: Listeners): Hovor {
  function hovor(this: unknown): (() => void) | undefined {
    // biome-ignore lint/complexity/noArguments: copied by index, see copy()
    const args = copy(arguments);
    const callback = args[2];
    if (args[0] === 'on' && typeof callback === 'function') {
      const name = String(args[1]);
      const set = listenersOf(listeners, name);
      set.add(callback as Listener);
      args[2] = true;
      send(args);
      if (set.last) call(callback as Listener, set.last.data);
      return () => {
        set.delete(callback as Listener);
      };
    }
    send(args);
    return undefined;
  }
  return hovor as Hovor;
}

/** Calls a page's callback; one that throws does not stop the loader. */
function call(callback: Listener, data: unknown): void {
  try {
    callback(data);
  } catch (error) {
    // biome-ignore lint/suspicious/noConsole: the page's own callback failed; its developer reads this console
    console.error(error);
  }
}

/** Calls the page's listeners of `name`, remembering the data of a state's event. */
export function emit(listeners: Listeners, name: string, data: unknown): void {
  if (name === 'availability' || name === 'unread') listenersOf(listeners, name).last = { data };
  listeners[name]?.forEach((callback) => {
    call(callback, data);
  });
}

/** Replays the calls the stub queued before the loader arrived, in order. */
export function replayQueue(stub: unknown, hovor: Hovor): void {
  const queue = typeof stub === 'function' ? (stub as HovorStub).q : undefined;
  if (!queue) return;
  for (let i = 0; i < queue.length; i++) {
    (hovor as (...args: unknown[]) => unknown).apply(null, copy(queue[i] as ArrayLike<unknown>));
  }
}
