import {
  type AgentProfile,
  type AgentStatus,
  type ConversationSummary,
  type Inbox,
  LoginBody,
  MAX_LIST_LIMIT,
  type Message,
  RETRYABLE_CODES,
  type Team,
  type TransferTarget,
  type TypingChanged,
} from '@hovor/protocol';
import { batch, computed, signal } from '@preact/signals';
import type { Api } from './api';
import { ConsoleError, toConsoleError } from './console-error';
import { applySummary, EMPTY_LISTS, type InboxLists, sortBox } from './inbox-lists';
import { type AgentSocket, command, handshakeError, newClientMsgId, on } from './socket';
import { transferInput } from './team';
import { lastSeqOf, mergeMessages } from './transcript';

/** Attempts of one `message:send` before the message is shown as not sent. */
export const MAX_SEND_ATTEMPTS = 3;
/** Idle time after the last keystroke before the agent is reported as no longer typing, in ms. */
export const TYPING_IDLE_MS = 3_000;
/** The visitor's typing indicator hides by itself after this long, in case its "stopped" is lost, in ms. */
export const TYPING_INDICATOR_TTL_MS = 10_000;
/** Wait before reconnecting after the server refused the handshake with a retryable code, in ms. */
export const HANDSHAKE_RETRY_DELAY_MS = 5_000;

export type Session = 'loading' | 'signed-out' | 'signed-in';
export type Connection = 'connecting' | 'connected' | 'reconnecting';

/** A reply or internal note sent but not yet confirmed; it is reconciled by `clientMsgId`. */
export interface PendingMessage {
  clientMsgId: string;
  conversationId: string;
  /** `note`: an internal note, for agents only [P12]. */
  kind: 'text' | 'note';
  text: string;
  /** Why the last attempt failed; `null` while sending. */
  error: string | null;
}

export interface ConsoleDeps {
  api: Api;
  connect: () => AgentSocket;
}

export type ConsoleState = ReturnType<typeof createConsoleState>;

/**
 * The console's client-side cache and actions. The server is authoritative: every change
 * comes from an ack or a notification, and every (re)connect reloads what is shown.
 */
export function createConsoleState({ api, connect }: ConsoleDeps) {
  const session = signal<Session>('loading');
  const me = signal<AgentProfile | null>(null);
  const signInError = signal<string | null>(null);
  const isSigningIn = signal(false);
  const connection = signal<Connection>('connecting');
  const error = signal<string | null>(null);

  const lists = signal<InboxLists>(EMPTY_LISTS);
  const box = signal<Inbox>('queue');
  const currentId = signal<string | null>(null);
  const current = signal<ConversationSummary | null>(null);
  const messages = signal<readonly Message[]>([]);
  const isLoadingConversation = signal(false);
  /** The conversation a `conversation:take` or `conversation:reopen` is under way for. */
  const takingId = signal<string | null>(null);
  const typingName = signal<string | null>(null);
  const pending = signal<readonly PendingMessage[]>([]);
  const currentPending = computed(() => pending.value.filter((p) => p.conversationId === currentId.value));

  let socket: AgentSocket | null = null;
  let disposers: (() => void)[] = [];
  let isTypingSent = false;
  let typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  let typingIndicatorTimer: ReturnType<typeof setTimeout> | undefined;
  let handshakeRetryTimer: ReturnType<typeof setTimeout> | undefined;

  function showError(cause: unknown): void {
    error.value = toConsoleError(cause).message;
  }

  function requireSocket(): AgentSocket {
    if (!socket) throw new ConsoleError('UNAVAILABLE', 'Not connected; sign in again.');
    return socket;
  }

  // --- session -------------------------------------------------------------------------

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
    clearTimeout(typingIdleTimer);
    clearTimeout(typingIndicatorTimer);
    isTypingSent = false;
    batch(() => {
      session.value = 'signed-out';
      signInError.value = reason;
      me.value = null;
      error.value = null;
      lists.value = EMPTY_LISTS;
      currentId.value = null;
      current.value = null;
      messages.value = [];
      typingName.value = null;
      pending.value = [];
    });
  }

  // --- connection ----------------------------------------------------------------------

  function openSocket(): void {
    closeSocket();
    const s = connect();
    socket = s;
    connection.value = 'connecting';
    const onConnect = () => {
      connection.value = 'connected';
      void resync();
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
      on(s, 'conversation:updated', onConversationUpdated, showError),
      on(s, 'message:created', onMessageCreated, showError),
      on(s, 'typing:changed', onTypingChanged, showError),
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

  /** Reloads the lists and the open conversation; runs on every (re)connect. */
  async function resync(): Promise<void> {
    error.value = null;
    const id = currentId.value;
    await Promise.all([loadLists(), id ? fetchConversation(id, lastSeqOf(messages.value)) : null]);
    // Replies that failed while offline go out again, under the same clientMsgId.
    for (const p of pending.value) if (p.error) retrySend(p.clientMsgId);
  }

  async function loadLists(): Promise<void> {
    try {
      const s = requireSocket();
      const [queue, mine, closed, offline] = await Promise.all(
        (['queue', 'mine', 'closed', 'offline'] as const).map((b) =>
          command(s, 'conversations:list', { box: b, limit: MAX_LIST_LIMIT }),
        ),
      );
      lists.value = {
        queue: sortBox('queue', queue?.items ?? []),
        mine: sortBox('mine', mine?.items ?? []),
        closed: sortBox('closed', closed?.items ?? []),
        offline: sortBox('offline', offline?.items ?? []),
      };
    } catch (cause) {
      showError(cause);
    }
  }

  // --- notifications -------------------------------------------------------------------

  function onConversationUpdated(summary: ConversationSummary): void {
    const profile = me.value;
    if (!profile) return;
    batch(() => {
      lists.value = applySummary(lists.value, summary, profile.id);
      const held = current.value;
      if (summary.id === currentId.value && (!held || held.lastSeq <= summary.lastSeq))
        current.value = summary;
    });
  }

  function onMessageCreated(message: Message): void {
    if (message.conversationId !== currentId.value) return;
    const before = lastSeqOf(messages.value);
    batch(() => {
      messages.value = mergeMessages(messages.value, [message]);
      if (message.clientMsgId) dropPending(message.clientMsgId);
      if (message.author.type === 'visitor') typingName.value = null;
    });
    // A hole in the seqs means notifications were missed: fetch what lies after our last.
    if (before > 0 && message.seq > before + 1 && !isLoadingConversation.value) {
      void fetchConversation(message.conversationId, before);
    }
  }

  function onTypingChanged(typing: TypingChanged): void {
    if (typing.conversationId !== currentId.value) return;
    clearTimeout(typingIndicatorTimer);
    typingName.value = typing.isTyping ? (typing.name ?? 'Visitor') : null;
    if (typing.isTyping)
      typingIndicatorTimer = setTimeout(() => (typingName.value = null), TYPING_INDICATOR_TTL_MS);
  }

  // --- conversations -------------------------------------------------------------------

  function openConversation(id: string): void {
    if (id === currentId.value) return;
    stopTyping();
    clearTimeout(typingIndicatorTimer);
    const known = Object.values(lists.value)
      .flat()
      .find((s) => s.id === id);
    batch(() => {
      currentId.value = id;
      current.value = known ?? null;
      messages.value = [];
      typingName.value = null;
    });
    void fetchConversation(id, 0);
  }

  /** Pages `conversation:open` from `afterSeq` until the server has nothing more. */
  async function fetchConversation(id: string, afterSeq: number): Promise<void> {
    isLoadingConversation.value = true;
    try {
      const s = requireSocket();
      let after = afterSeq;
      for (;;) {
        const page = await command(s, 'conversation:open', { conversationId: id, afterSeq: after });
        if (currentId.value !== id) return; // the agent moved on meanwhile
        batch(() => {
          const held = current.value;
          if (!held || held.id !== id || held.lastSeq <= page.conversation.lastSeq)
            current.value = page.conversation;
          messages.value = mergeMessages(messages.value, page.messages);
          for (const m of page.messages) if (m.clientMsgId) dropPending(m.clientMsgId);
        });
        if (!page.hasMore || page.messages.length === 0) return;
        after = lastSeqOf(page.messages);
      }
    } catch (cause) {
      showError(cause);
    } finally {
      if (currentId.value === id) isLoadingConversation.value = false;
    }
  }

  async function closeConversation(): Promise<void> {
    const id = currentId.value;
    if (!id) return;
    try {
      const summary = await command(requireSocket(), 'conversation:close', { conversationId: id });
      onConversationUpdated(summary);
    } catch (cause) {
      showError(cause);
    }
  }

  /**
   * Takes a queued conversation and opens it under Mine. When another agent was faster, or
   * this one has no free slot, the server's CONFLICT message is shown and the lists are left
   * to the `conversation:updated` notifications.
   */
  function takeConversation(id: string): Promise<void> {
    return claimConversation(id, 'conversation:take');
  }

  /**
   * [RT18] Reopens a message left while the team was away, to reply to it: it opens under Mine.
   * When a colleague was faster, there is no free slot or the visitor is chatting already, the
   * server's CONFLICT message is shown.
   */
  function reopenConversation(id: string): Promise<void> {
    return claimConversation(id, 'conversation:reopen');
  }

  async function claimConversation(
    id: string,
    name: 'conversation:take' | 'conversation:reopen',
  ): Promise<void> {
    if (takingId.value) return;
    takingId.value = id;
    try {
      const summary = await command(requireSocket(), name, { conversationId: id });
      batch(() => {
        onConversationUpdated(summary);
        box.value = 'mine';
        openConversation(id);
      });
    } catch (cause) {
      showError(cause);
    } finally {
      takingId.value = null;
    }
  }

  /** The colleagues and departments the open conversation can go to; rejects with a `ConsoleError`. */
  function loadTeam(): Promise<Team> {
    const id = currentId.value;
    if (!id) return Promise.reject(new ConsoleError('NOT_FOUND', 'Open a conversation first.'));
    return command(requireSocket(), 'team:list', { conversationId: id });
  }

  /**
   * [RT16] Hands the open conversation to a colleague or a department, with an optional comment
   * (stored as an internal note). Rejects with a `ConsoleError` for the dialog to show; on success
   * the conversation leaves Mine.
   */
  async function transferConversation(to: TransferTarget, comment: string): Promise<void> {
    const id = currentId.value;
    if (!id) throw new ConsoleError('NOT_FOUND', 'Open a conversation first.');
    const summary = await command(requireSocket(), 'conversation:transfer', transferInput(id, to, comment));
    onConversationUpdated(summary);
  }

  // --- replies -------------------------------------------------------------------------

  /** Queues a reply to the open conversation; returns whether there was anything to send. */
  function sendMessage(text: string): boolean {
    return queueReply(text, 'text');
  }

  /** Queues an internal note on the open conversation, never shown to the visitor [P12]. */
  function addNote(text: string): boolean {
    return queueReply(text, 'note');
  }

  function queueReply(text: string, kind: PendingMessage['kind']): boolean {
    const id = currentId.value;
    const trimmed = text.trim();
    if (!id || trimmed.length === 0) return false;
    if (kind === 'text') stopTyping();
    const reply: PendingMessage = {
      clientMsgId: newClientMsgId(),
      conversationId: id,
      kind,
      text: trimmed,
      error: null,
    };
    pending.value = [...pending.value, reply];
    void deliver(reply);
    return true;
  }

  async function deliver(reply: PendingMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const input = {
          conversationId: reply.conversationId,
          clientMsgId: reply.clientMsgId,
          text: reply.text,
        };
        const message = await command(
          requireSocket(),
          reply.kind === 'note' ? 'note:add' : 'message:send',
          input,
        );
        dropPending(reply.clientMsgId);
        onMessageCreated(message);
        return;
      } catch (cause) {
        const failure = toConsoleError(cause);
        // Only a lost answer is retried: the same clientMsgId makes a repeat harmless.
        if (failure.code === 'UNAVAILABLE' && attempt < MAX_SEND_ATTEMPTS) continue;
        pending.value = pending.value.map((p) =>
          p.clientMsgId === reply.clientMsgId ? { ...p, error: failure.message } : p,
        );
        return;
      }
    }
  }

  function retrySend(clientMsgId: string): void {
    const reply = pending.value.find((p) => p.clientMsgId === clientMsgId);
    if (!reply) return;
    const again = { ...reply, error: null };
    pending.value = pending.value.map((p) => (p.clientMsgId === clientMsgId ? again : p));
    void deliver(again);
  }

  function dropPending(clientMsgId: string): void {
    if (pending.value.some((p) => p.clientMsgId === clientMsgId)) {
      pending.value = pending.value.filter((p) => p.clientMsgId !== clientMsgId);
    }
  }

  // --- typing and status ---------------------------------------------------------------

  function sendTyping(isTyping: boolean): void {
    const id = currentId.value;
    if (!id || !socket) return;
    isTypingSent = isTyping;
    command(socket, 'typing:set', { conversationId: id, isTyping }).catch(showError);
  }

  /** Call on every keystroke in the reply box. */
  function noteTyping(): void {
    if (!isTypingSent) sendTyping(true);
    clearTimeout(typingIdleTimer);
    typingIdleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping(): void {
    clearTimeout(typingIdleTimer);
    if (isTypingSent) sendTyping(false);
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
    error,
    lists,
    box,
    currentId,
    current,
    messages,
    isLoadingConversation,
    takingId,
    typingName,
    pending: currentPending,
    start,
    signIn,
    signOut,
    dispose: closeSocket,
    dismissError: () => (error.value = null),
    selectBox: (next: Inbox) => (box.value = next),
    openConversation,
    closeConversation,
    takeConversation,
    reopenConversation,
    loadTeam,
    transferConversation,
    sendMessage,
    addNote,
    retrySend,
    discardPending: dropPending,
    noteTyping,
    stopTyping,
    setStatus,
  };
}
