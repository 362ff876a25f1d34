import type { BusinessHours } from './business-hours.js';

/**
 * A site's routing settings. Stored per site (only what differs from the defaults); every
 * rule cites routing/SPEC.md.
 */
export interface RoutingSettings {
  /** `least-busy` assigns automatically; `manual` leaves queued chats for agents to take. [RT2][RT14] */
  strategy: 'least-busy' | 'round-robin' | 'manual';
  /** Maximum concurrent chats of an agent without an override of their own; null: `AGENT_CAPACITY`. [RT1] */
  defaultCapacity: number | null;
  /** How long an agent may have no live connection before their chats go back to the queue. [RT8] */
  disconnectGraceMs: number;
  /** How long after assignment the first agent reply may take before the chat is re-assigned. [RT9] */
  firstReplySlaMs: number;
  /** How long an online agent may show no console activity before they are set away; null: never. [RT19] */
  idleAwayMs: number | null;
  /** Whether setting away/offline sends the agent's chats back to the queue. [RT10] */
  requeueOnAway: boolean;
  /** How long an assigned conversation may go without a message before it is closed. [RT11] */
  inactivityCloseMs: number;
  /** When chats are answered; null: always. Outside them the widget offers the offline form. [RT17] */
  businessHours: BusinessHours | null;
  /** Offer the offline form also when nobody is eligible (instead of queueing). [RT17] */
  offlineWhenNoAgents: boolean;
  /** Hide the widget instead of offering the offline form. [RT17] */
  hideWhenOffline: boolean;
  /** Shown above the offline form. */
  offlineText: string;
}

export const DEFAULT_ROUTING_SETTINGS: RoutingSettings = {
  strategy: 'least-busy',
  defaultCapacity: null,
  disconnectGraceMs: 60_000,
  firstReplySlaMs: 120_000,
  idleAwayMs: 15 * 60_000,
  requeueOnAway: false,
  inactivityCloseMs: 30 * 60_000,
  businessHours: null,
  offlineWhenNoAgents: false,
  hideWhenOffline: false,
  offlineText: "We're away right now. Leave a message and we'll get back to you.",
};

export function withRoutingDefaults(stored: Partial<RoutingSettings> | undefined): RoutingSettings {
  return { ...DEFAULT_ROUTING_SETTINGS, ...stored };
}
