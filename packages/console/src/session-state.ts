import { type AgentProfile, type AgentStatus, type ChangePasswordBody, LoginBody } from '@hovor/protocol';
import { batch, type Signal, signal } from '@preact/signals';
import { ACCOUNT_TEXTS } from './account/account-texts';
import type { Api } from './api';
import { createConnectionState } from './connection-state';
import { ConsoleError, toConsoleError } from './console-error';
import { createSessionCheck } from './session-check';
import { type AgentSocket, command, on, onCommandRefused } from './socket';

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
  /** Why the agent is on the sign-in form without having signed out here (the session ended). */
  const signInNotice = signal<string | null>(null);
  const isSigningIn = signal(false);
  const check = createSessionCheck({
    me: () => api.me(),
    onEnded: sessionEnded,
    reconnect: () => socket?.connect(),
    random,
  });
  const { connection, isBackOnline, watch } = createConnectionState({
    random,
    onConnected: () => {
      check.connected();
      onConnected();
    },
    onDisconnected: (reason) => {
      onDisconnected();
      // The server ended this socket on purpose (e.g. the session was revoked): Socket.IO
      // will not reconnect by itself, so find out whether the session still stands.
      if (reason === 'io server disconnect') check.serverDisconnected();
    },
    onRefused: (refused) => {
      if (refused.code === 'UNAUTHORIZED') {
        sessionEnded();
        return;
      }
      error.value =
        refused.code === 'CLIENT_TOO_OLD' ? 'The console is out of date. Reload the page.' : refused.message;
    },
  });

  let socket: AgentSocket | null = null;
  let disposers: (() => void)[] = [];
  /** While a sign-out runs, the server ends the socket too: its answer, not the check's, decides. */
  let isSigningOut = false;
  let hasEndedMeanwhile = false;

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
    batch(() => {
      isSigningIn.value = true;
      signInError.value = null;
      signInNotice.value = null;
    });
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
      signInNotice.value = null;
      onSignedIn(profile);
    });
    openSocket();
  }

  async function signOut(): Promise<void> {
    try {
      await endSessions(() => api.logout(), null);
    } catch (cause) {
      showError(cause);
    }
  }

  /**
   * [P25] Ends every session of the agent, this one included, and shows the sign-in form; rejects
   * with a `ConsoleError` (for the confirmation dialog to show) when the server could not do it.
   */
  function signOutEverywhere(): Promise<void> {
    return endSessions(() => api.logoutEverywhere(), ACCOUNT_TEXTS.signedOutEverywhere);
  }

  async function endSessions(request: () => Promise<void>, notice: string | null): Promise<void> {
    isSigningOut = true;
    hasEndedMeanwhile = false;
    try {
      await request();
      signedOut(notice);
    } catch (cause) {
      const failure = toConsoleError(cause);
      if (!hasEndedMeanwhile && failure.code !== 'UNAUTHORIZED') throw failure;
      signedOut(ACCOUNT_TEXTS.sessionEnded);
    } finally {
      isSigningOut = false;
    }
  }

  /** [P25] The server ended the session (signed out elsewhere, expired, deactivated…). */
  function sessionEnded(): void {
    if (isSigningOut) hasEndedMeanwhile = true;
    else signedOut(ACCOUNT_TEXTS.sessionEnded);
  }

  /**
   * [P25] Changes the agent's password; the other sessions end, this one stays. Rejects with a
   * `ConsoleError` for the dialog to show (`FORBIDDEN`: the current password is wrong).
   */
  async function changePassword(body: ChangePasswordBody): Promise<void> {
    try {
      await api.changePassword(body);
    } catch (cause) {
      const failure = toConsoleError(cause);
      if (failure.code === 'UNAUTHORIZED') check.unauthorized();
      throw failure;
    }
  }

  /** Drops everything held for the agent; `notice` says why on the sign-in form. */
  function signedOut(notice: string | null): void {
    closeSocket();
    batch(() => {
      session.value = 'signed-out';
      signInError.value = null;
      signInNotice.value = notice;
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
      onCommandRefused(s, (refusal) => {
        if (refusal.code === 'UNAUTHORIZED') check.unauthorized();
      }),
      ...subscribe(s),
    ];
  }

  function closeSocket(): void {
    check.reset();
    for (const dispose of disposers) dispose();
    disposers = [];
    socket?.disconnect();
    socket = null;
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
    signInNotice,
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
    signOutEverywhere,
    changePassword,
    closeSocket,
    setStatus,
  };
}
