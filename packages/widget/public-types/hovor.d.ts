/**
 * Types of Hovor's page API, `window.Hovor`. Your Hovor server serves this file at
 * `/widget.d.ts`; copy it into your project and import it once (or reference it), then
 * `window.Hovor?.('open')` and friends are checked.
 *
 * @example
 * Hovor('setDepartment', '65f1c0ffee0000000000beef'); // the sales team; null for anyone
 * Hovor('setLocale', 'cs');
 * Hovor('open');
 * const off = Hovor('on', 'queue:position', ({ position }) => badge.show(`You are #${position}`));
 * off();
 */

/** The agent a conversation was assigned to. */
export interface HovorAgent {
  id: string;
  name: string;
}

/** What the chat offers now: an agent is free, visitors wait, a form to leave a message, or nothing. */
export interface HovorAvailability {
  mode: 'live' | 'queue' | 'offline' | 'hidden';
  /** The site's text above the leave-a-message form. */
  offlineText: string;
}

/** The visitor's place while their conversation waits; 1 is next. */
export interface HovorQueuePosition {
  conversationId: string;
  position: number;
  /** Estimated wait in seconds; null until the queue has a history to estimate from. */
  etaSeconds: number | null;
}

/** Who wrote a new message; the text stays in the chat, out of the page's reach. */
export interface HovorMessage {
  conversationId: string;
  from: 'visitor' | 'agent' | 'system';
}

/** The argument each `Hovor('on', event, callback)` callback gets. */
export interface HovorEventData {
  /** The launcher is on the page and the API answers. */
  ready: undefined;
  open: undefined;
  close: undefined;
  /** A new message in the conversation. */
  message: HovorMessage;
  /** Agent messages the visitor has not read; 0 once read. A later callback gets the current count at once. */
  unread: { count: number };
  'conversation:started': { conversationId: string };
  'conversation:ended': { conversationId: string };
  'queue:position': HovorQueuePosition;
  'agent:assigned': HovorAgent;
  /**
   * What the site offers now; on load when you listen for it, then at each change. A later
   * callback gets the current one at once.
   */
  availability: HovorAvailability;
}
export type HovorEvent = keyof HovorEventData;

/** `window.Hovor`. A call it cannot understand logs one warning and does nothing else. */
export interface Hovor {
  /**
   * Opens, closes or toggles the chat window; `show` and `hide` the launcher (the API still opens
   * the chat); `reset` forgets the visitor (and the identity): a new anonymous one, e.g. at sign-out.
   */
  (command: 'open' | 'close' | 'toggle' | 'show' | 'hide' | 'reset'): void;
  /**
   * Who the visitor is, as your backend vouches: a JWT (HS256) signed with the site's identity
   * secret, with `sub` (your user id) and `exp`, optionally `name` and `email`. The same user
   * then has the same chat on every device.
   */
  (command: 'identify', identity: { token: string }): void;
  /** Flat facts for the agents (at most 20; strings up to 200 characters); null removes one. */
  (command: 'setAttributes', attributes: Record<string, string | number | boolean | null>): void;
  /** The department (its 24-character id) new conversations go to; null for the site's general queue. */
  (command: 'setDepartment', departmentId: string | null): void;
  /** The chat's language (`cs`, `sk`, `pl`, `en`), before the site's default and the browser's. */
  (command: 'setLocale', locale: string): void;
  /** Subscribes to an event; returns the function that unsubscribes. */
  <E extends HovorEvent>(command: 'on', event: E, callback: (data: HovorEventData[E]) => void): () => void;
}

declare global {
  interface Window {
    Hovor?: Hovor;
  }
}
