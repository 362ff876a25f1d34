/** What the loader can do with the chat window; the API below only forwards to these. */
export interface HovorControls {
  open(): void;
  close(): void;
  toggle(): void;
}

export type HovorEvent = 'open' | 'close';

/**
 * The page's `window.Hovor`: controls the chat from the host page.
 *
 * Calls made before the loader arrived are queued by the snippet's stub and replayed in order.
 *
 * @example
 * Hovor('open');
 * const off = Hovor('on', 'close', () => analytics.track('chat closed'));
 * off();
 */
export interface Hovor {
  (command: 'open' | 'close' | 'toggle'): void;
  (command: 'on', event: HovorEvent, callback: () => void): () => void;
}

/** The stub snippet's shape: a function that stores its `arguments` in `q`. */
export interface HovorStub {
  q?: ArrayLike<ArrayLike<unknown>>;
}

/** Listeners of `Hovor('on', …)`, notified by the loader when the chat opens or closes. */
export function createEmitter() {
  const listeners: Record<HovorEvent, Set<() => void>> = { open: new Set(), close: new Set() };
  return {
    on(event: HovorEvent, callback: () => void): () => void {
      listeners[event].add(callback);
      return () => {
        listeners[event].delete(callback);
      };
    },
    emit(event: HovorEvent): void {
      listeners[event].forEach((callback) => {
        callback();
      });
    },
  };
}
export type Emitter = ReturnType<typeof createEmitter>;

/** Builds `window.Hovor`; `warn` receives one line per call it cannot understand. */
export function createHovor(controls: HovorControls, emitter: Emitter, warn: (text: string) => void): Hovor {
  function hovor(...args: unknown[]): (() => void) | undefined {
    const [command, event, callback] = args;
    if (command === 'open' || command === 'close' || command === 'toggle') {
      controls[command]();
      return undefined;
    }
    if (command === 'on' && (event === 'open' || event === 'close') && typeof callback === 'function') {
      return emitter.on(event, callback as () => void);
    }
    warn(`[Hovor] unknown command ${String(command)}; use open, close, toggle or on.`);
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
