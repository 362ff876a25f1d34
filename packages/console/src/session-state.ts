import { type AgentProfile, type AgentStatus, LoginBody } from '@hovor/protocol';
import { batch, type Signal, signal } from '@preact/signals';
import type { Api } from './api';
import { createConnectionState } from './connection-state';
import { ConsoleError, toConsoleError } from './console-error';
import { type AgentSocket, command, on } from './socket';

export type Session = 'loading' | 'signed-out' | 'signed-in';

export interface SessionDeps {
  api: Api;
  connect: () => AgentSocket;
  /** The console-wide error banner. */
  error: Signal<string | null>;
  showError: (cause: unknown) => void;
  /** Subscribes the rest of the console to a new socket's notifications and the page's events; returns the disposers. */
  subscribe: (socket: AgentSocket) => (() => void)[];
  /** Runs once the agent is known, before the socket opens. */
  onSignedIn: (profile: AgentProfile) => void;
  /** Runs on every (re)connect. */
  onConnected: () => void;
  /** Runs on every disconnect. */
  onDisconnected: () => void;
  /** Drops what the rest of the console holds for the agent; runs inside the sign-out batch. */
  onSignedOut: () => void;
  /** `Math.random` in the browser; jitters the handshake retries. */
  random: () => number;
}

export type SessionState = ReturnType<typeof createSessionState>;

/** The signed-in agent and the socket that lives as long as their session. */
export function createSessionState({
  api,
  connect,
  error,
  showError,
  subscribe,
  onSignedIn,
  onConnected,
  onDisconnected,
  onSignedOut,
  random,
}: SessionDeps) {
  const session = signal<Session>('loading');
  const me = signal<AgentProfile | null>(null);
  const signInError = signal<string | null>(null);
  const isSigningIn = signal(false);
  const { connection, isBackOnline, watch } = createConnectionState({
    random,
    onConnected,
    onDisconnected: (reason) => {
      onDisconnected();
      // The server ended this socket on purpose (e.g. the session was revoked): Socket.IO
      // will not reconnect by itself, so find out whether the session still stands.
      if (reason === 'io server disconnect' && socket) void recheckSession(socket);
    },
    onRefused: (refused) => {
      if (refused.code === 'UNAUTHORIZED') {
        signedOut('Your session has ended. Sign in again.');
        return;
      }
      error.value =
        refused.code === 'CLIENT_TOO_OLD' ? 'The console is out of date. Reload the page.' : refused.message;
    },
  });

  let socket: AgentSocket | null = null;
  let disposers: (() => void)[] = [];

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
      onSignedIn(profile);
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
    disposers = [
      ...watch(s),
      on(s, 'agent:updated', (profile) => (me.value = profile), showError),
      ...subscribe(s),
    ];
  }

  function closeSocket(): void {
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
    isBackOnline,
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
