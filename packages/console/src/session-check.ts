import { type AgentProfile, resendDelayMs } from '@hovor/protocol';

/**
 * A connection that lasted this long, in ms, was not the server accepting and ending the socket
 * in a loop: the next server disconnect reconnects at once again.
 */
export const STABLE_CONNECTION_MS = 30_000;

export interface SessionCheckDeps {
  /** `GET /auth/me`: the agent, or `null` once the session has ended. */
  me: () => Promise<AgentProfile | null>;
  /** The session has ended: drop what is held for the agent and show the sign-in form. */
  onEnded: () => void;
  /** The session stands (or the server cannot tell now): open the socket the server ended again. */
  reconnect: () => void;
  /** `Math.random` in the browser; jitters the delay of repeated reconnects. */
  random: () => number;
}

export type SessionCheck = ReturnType<typeof createSessionCheck>;

/**
 * Finds out whether the agent's session has ended when the server says it may have: it ended the
 * socket (`io server disconnect`, which Socket.IO does not retry by itself) or refused a command as
 * `UNAUTHORIZED` [P25]. One `GET /auth/me` answers each such event, and events that arrive while it
 * runs share its answer, so nothing asks twice or in a loop. When the server cannot answer, the
 * socket opens again all the same: its handshake checks the session too, and a refusal there signs
 * the agent out (`UNAUTHORIZED`) or is retried (`UNAVAILABLE`).
 */
export function createSessionCheck({ me, onEnded, reconnect, random }: SessionCheckDeps) {
  let isChecking = false;
  /** Whether the socket waits for the answer to open again. */
  let isReconnectDue = false;
  /** Bumped by `reset`: an answer to an older question is ignored. */
  let generation = 0;
  /** Server disconnects in a row, each soon after its connect: they space out the reconnects. */
  let serverDisconnects = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let stableTimer: ReturnType<typeof setTimeout> | undefined;

  function check(): void {
    if (isChecking) return;
    isChecking = true;
    const asked = generation;
    me().then(
      (profile) => {
        if (asked === generation) answered(profile !== null);
      },
      () => {
        if (asked === generation) answered(true);
      },
    );
  }

  function answered(isStanding: boolean): void {
    isChecking = false;
    if (!isStanding) {
      isReconnectDue = false;
      onEnded();
      return;
    }
    if (!isReconnectDue) return;
    isReconnectDue = false;
    const delayMs = serverDisconnects <= 1 ? 0 : resendDelayMs(serverDisconnects - 1, random);
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(reconnect, delayMs);
  }

  return {
    /** The socket (re)connected. */
    connected(): void {
      clearTimeout(stableTimer);
      stableTimer = setTimeout(() => (serverDisconnects = 0), STABLE_CONNECTION_MS);
    },
    /** The server ended the socket. */
    serverDisconnected(): void {
      clearTimeout(stableTimer);
      serverDisconnects++;
      isReconnectDue = true;
      check();
    },
    /** The server refused a command or a request as `UNAUTHORIZED`. */
    unauthorized(): void {
      check();
    },
    /** Forgets the socket: a new one, or none after a sign-out. */
    reset(): void {
      generation++;
      isChecking = false;
      isReconnectDue = false;
      serverDisconnects = 0;
      clearTimeout(reconnectTimer);
      clearTimeout(stableTimer);
    },
  };
}
