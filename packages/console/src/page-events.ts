/**
 * Page events the console reacts to: the first three mean "the agent is back, resync" [P16];
 * `storage`: another tab of the console changed what is stored (its outbox).
 */
export type PageEventName = 'focus' | 'online' | 'pageshow' | 'visibilitychange' | 'storage';

/** The browser page as the console state sees it; tests pass a fake. */
export interface PageEvents {
  /** Subscribes to a page event; returns the disposer. */
  on(name: PageEventName, listener: () => void): () => void;
  /** Whether a person can see the page now (`document.visibilityState === 'visible'`). */
  isVisible(): boolean;
}

/** The real page: `visibilitychange` fires on `document`, the others on `window`. */
export function browserPageEvents(): PageEvents {
  return {
    on(name, listener) {
      const target: EventTarget = name === 'visibilitychange' ? document : window;
      target.addEventListener(name, listener);
      return () => target.removeEventListener(name, listener);
    },
    isVisible: () => document.visibilityState === 'visible',
  };
}
