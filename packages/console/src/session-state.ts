import { type AgentProfile, type AgentStatus, LoginBody, RETRYABLE_CODES } from '@hovor/protocol';
import { batch, type Signal, signal } from '@preact/signals';
import type { Api } from './api';
import { ConsoleError, toConsoleError } from './console-error';
import { type AgentSocket, command, handshakeError, on } from './socket';

/** Wait before reconnecting after the server refused the handshake with a retryable code, in ms. */
export const HANDSHAKE_RETRY_DELAY_MS = 5_000;

export type Session = 'loading' | 'signed-out' | 'signed-in';
export type Connection = 'connecting' | 'connected' | 'reconnecting';

export interface SessionDeps {
  api: Api;
  connect: () => AgentSocket;
  /** The console-wide error banner. */
  error: Signal<string | null>;
  showError: (cause: unknown) => void;
  /** Subscribes the rest of the console to a new socket's notifications; returns the disposers. */
  subscribe: (socket: AgentSocket) => (() => void)[];
  /** Runs on every (re)connect. */
  onConnected: () => void;
  /** Drops what the rest of the console holds for the agent; runs inside the sign-out batch. */
  onSignedOut: () => void;
}

export type SessionState = ReturnType<typeof createSessionState>;

/** The signed-in agent and the socket that lives as long as their session. */
export function createSessionState({
  api,
  connect,
  error,
  showError,
  subscribe,
  onConnected,
  onSignedOut,
}: SessionDeps) {
  const session = signal<Session>('loading');
  const me = signal<AgentProfile | null>(null);
  const signInError = signal<string | null>(null);
  const isSigningIn = signal(false);
  const connection = signal<Connection>('connecting');

  let socket: AgentSocket | null = null;
  let disposers: (() => void)[] = [];
  let handshakeRetryTimer: ReturnType<typeof setTimeout> | undefined;

  function requireSocket(): AgentSocket {
    if (!socket) throw new ConsoleError('UNAVAILABLE', 'Not connected; sign in again.');
    return socket;
  }

  async function start(): Promise<void> {
    try {
      const profile = await api.me();
      if (profile) signedIn(profile);
      else session.value = 'signed-out';
    } catch (cause) {
      batch(() => {
        session.value = 'signed-out';
        signInError.value = toConsoleError(cause).message;
      });
    }
  }

  async function signIn(email: string, password: string): Promise<void> {
    const body = LoginBody.safeParse({ email: email.trim(), password });
    if (!body.success) {
      signInError.value = 'Enter your e-mail address and password.';
      return;
    }
    isSigningIn.value = true;
    signInError.value = null;
    try {
      signedIn(await api.login(body.data));
    } catch (cause) {
      const failure = toConsoleError(cause);
      signInError.value = failure.code === 'UNAUTHORIZED' ? 'Wrong e-mail or password.' : failure.message;
    } finally {
      isSigningIn.value = false;
    }
  }

  function signedIn(profile: AgentProfile): void {
    batch(() => {
      me.value = profile;
      session.value = 'signed-in';
      signInError.value = null;
    });
    openSocket();
  }

  async function signOut(): Promise<void> {
    try {
      await api.logout();
      signedOut(null);
    } catch (cause) {
      showError(cause);
    }
  }

  /** Drops everything held for the agent; `reason` is shown on the sign-in form. */
  function signedOut(reason: string | null): void {
    closeSocket();
    batch(() => {
      session.value = 'signed-out';
      signInError.value = reason;
      me.value = null;
      error.value = null;
      onSignedOut();
    });
  }

  function openSocket(): void {
    closeSocket();
    const s = connect();
    socket = s;
    connection.value = 'connecting';
    const onConnect = () => {
      connection.value = 'connected';
      onConnected();
    };
    const onDisconnect = (reason: string) => {
      connection.value = 'reconnecting';
      // The server ended this socket on purpose (e.g. the session was revoked): Socket.IO
      // will not reconnect by itself, so find out whether the session still stands.
      if (reason === 'io server disconnect') void recheckSession(s);
    };
    const onConnectError = (err: Error) => {
      connection.value = 'reconnecting';
      const refused = handshakeError(err);
      if (!refused) return; // a transport failure: the manager retries with backoff
      if (refused.code === 'UNAUTHORIZED') {
        signedOut('Your session has ended. Sign in again.');
        return;
      }
      error.value =
        refused.code === 'CLIENT_TOO_OLD' ? 'The console is out of date. Reload the page.' : refused.message;
      if (RETRYABLE_CODES.includes(refused.code)) {
        handshakeRetryTimer = setTimeout(() => s.connect(), HANDSHAKE_RETRY_DELAY_MS);
      }
    };
    s.on('connect', onConnect);
    s.on('disconnect', onDisconnect);
    s.on('connect_error', onConnectError);
    disposers = [
      () => s.off('connect', onConnect),
      () => s.off('disconnect', onDisconnect),
      () => s.off('connect_error', onConnectError),
      on(s, 'agent:updated', (profile) => (me.value = profile), showError),
      ...subscribe(s),
    ];
  }

  function closeSocket(): void {
    clearTimeout(handshakeRetryTimer);
    for (const dispose of disposers) dispose();
    disposers = [];
    socket?.disconnect();
    socket = null;
  }

  async function recheckSession(s: AgentSocket): Promise<void> {
    try {
      if (await api.me()) s.connect();
      else signedOut('Your session has ended. Sign in again.');
    } catch (cause) {
      showError(cause);
    }
  }

  async function setStatus(status: AgentStatus): Promise<void> {
    try {
      me.value = await command(requireSocket(), 'status:set', { status });
    } catch (cause) {
      showError(cause);
    }
  }

  return {
    session,
    me,
    signInError,
    isSigningIn,
    connection,
    /** The open socket, or `null` while signed out. */
    currentSocket: (): AgentSocket | null => socket,
    /** The open socket; throws an `UNAVAILABLE` `ConsoleError` while signed out. */
    requireSocket,
    start,
    signIn,
    signOut,
    closeSocket,
    setStatus,
  };
}
