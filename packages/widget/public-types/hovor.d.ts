/**
 * Types of Hovor's page API, `window.Hovor`. Your Hovor server serves this file at
 * `/widget.d.ts`; copy it into your project and import it once (or reference it), then
 * `window.Hovor?.('open')` and friends are checked.
 *
 * @example
 * Hovor('setDepartment', '65f1c0ffee0000000000beef'); // the sales team; null for anyone
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

/** The argument each `Hovor('on', event, callback)` callback gets. */
export interface HovorEventData {
  open: undefined;
  close: undefined;
  availability: HovorAvailability;
  'queue:position': HovorQueuePosition;
  'agent:assigned': HovorAgent;
}
export type HovorEvent = keyof HovorEventData;

/** `window.Hovor`. A call it cannot understand logs one warning and does nothing else. */
export interface Hovor {
  /** Opens, closes or toggles the chat window. */
  (command: 'open' | 'close' | 'toggle'): void;
  /** The department (its 24-character id) new conversations go to; null for the site's general queue. */
  (command: 'setDepartment', departmentId: string | null): void;
  /** Subscribes to an event; returns the function that unsubscribes. */
  <E extends HovorEvent>(command: 'on', event: E, callback: (data: HovorEventData[E]) => void): () => void;
}

declare global {
  interface Window {
    Hovor?: Hovor;
  }
}
