import {
  ErrorBody,
  PROTOCOL_VERSION,
  retryDelayMs,
  VISITOR_NAMESPACE,
  type VisitorHandshake,
} from '@hovor/protocol';
import type { ChatState } from './chat-state.js';
import type { HostChannel } from './host-channel.js';
import { isRetryable, WidgetError } from './retry.js';
import type { VisitorSocket } from './server-notifications.js';
import { liteSocket } from './socket-lite.js';
import type { KeyValueStore } from './storage.js';
import { createVisitorToken, forgetToken, readToken } from './visitor-token.js';

/** How long "Back online" shows after a reconnect, in ms. */
export const RESTORED_NOTICE_MS = 3_000;

export interface ConnectionDeps {
  siteKey: string;
  host: HostChannel;
  store: KeyValueStore;
  state: ChatState;
  /** Every (re)connect, once the connection state says so. */
  onConnect: () => void;
  /** A refusal no retry can mend: the chat shows it and the page's console says why. */
  fail: (error: ErrorBody) => void;
}

/**
 * The visitor's connection: a token (the stored one, else a new visitor), the socket, the
 * connection state the chat shows, and what a refused handshake calls for — wait and try again
 * while the server cannot serve [P14], go on anonymously when the site's identity is refused
 * [P19], become a new visitor once when the token is unknown, else fail. Returns the socket and
 * the disposer of its timer.
 */
export async function openConnection(
  deps: ConnectionDeps,
): Promise<{ socket: VisitorSocket; dispose: () => void }> {
  const { siteKey, host, store, state } = deps;
  const hostOrigin = host.hostOrigin;
  const token = readToken(store, siteKey) ?? (await createVisitorToken(store, { siteKey, hostOrigin }));
  const auth: VisitorHandshake = {
    v: PROTOCOL_VERSION,
    siteKey,
    token,
    hostOrigin,
    ...(host.identity ? { identity: host.identity } : {}),
  };
  const s: VisitorSocket = liteSocket(location.origin + VISITOR_NAMESPACE, { auth });
  let hasRetriedAuth = false;
  let handshakeAttempts = 0;
  let restoredTimer: ReturnType<typeof setTimeout> | undefined;
  let returnTimer: ReturnType<typeof setTimeout> | undefined;

  s.on('connect', () => {
    hasRetriedAuth = false;
    handshakeAttempts = 0;
    const wasOffline = state.get().connection === 'offline';
    state.update((st) => ({ ...st, connection: wasOffline ? 'restored' : 'online' }));
    clearTimeout(restoredTimer);
    restoredTimer = setTimeout(
      () => state.update((st) => (st.connection === 'restored' ? { ...st, connection: 'online' } : st)),
      RESTORED_NOTICE_MS,
    );
    deps.onConnect();
  });
  s.on('disconnect', (reason) => {
    state.update((st) => ({ ...st, connection: 'offline' }));
    // The server ended the connection on purpose (Socket.IO does not come back by itself): the
    // next handshake resumes, or says why not (e.g. the chat is not available to them [P26]).
    if (reason === 'io server disconnect') {
      returnTimer = setTimeout(() => s.connect(), retryDelayMs(1, Math.random));
    }
  });
  s.on('connect_error', (err) => {
    // A transport error: Socket.IO keeps reconnecting by itself.
    if (s.active) {
      state.update((st) => ({ ...st, connection: 'offline' }));
      return;
    }
    const parsed = ErrorBody.safeParse((err as Error & { data?: unknown }).data);
    const error = parsed.success ? parsed.data : { code: 'INTERNAL' as const, message: err.message };
    if (isRetryable(new WidgetError(error.code, error.message))) {
      // [P14] The server is up but cannot serve now (its database is down, or [A4] this address
      // handshakes too often): try again later, never sooner than it asked.
      state.update((st) => ({ ...st, connection: 'offline' }));
      setTimeout(() => s.connect(), retryDelayMs(++handshakeAttempts, Math.random, error.retryAfterMs));
      return;
    }
    const current = s.auth as VisitorHandshake;
    if (error.isChatUnavailable) {
      // [P26] Not for this visitor on this site: no retry, no identity dropped, no new visitor.
      deps.fail(error);
      return;
    }
    if (error.code === 'FORBIDDEN' && current.identity) {
      // [P19] The site's identity token was refused: say why on the page, go on anonymously.
      host.post({ type: 'error', code: error.code, message: error.message.slice(0, 500) });
      const { identity: _refused, ...anonymous } = current;
      s.auth = anonymous;
      s.connect();
      return;
    }
    if (error.code === 'UNAUTHORIZED' && !hasRetriedAuth) {
      // The server no longer knows this token: become a new visitor, once.
      hasRetriedAuth = true;
      forgetToken(store, siteKey);
      createVisitorToken(store, { siteKey, hostOrigin })
        .then((fresh) => {
          s.auth = { ...auth, token: fresh } satisfies VisitorHandshake;
          s.connect();
        })
        .catch((cause: unknown) => deps.fail({ code: 'UNAVAILABLE', message: String(cause) }));
      return;
    }
    deps.fail(error);
  });
  return {
    socket: s,
    dispose: () => {
      clearTimeout(restoredTimer);
      clearTimeout(returnTimer);
    },
  };
}
