import type {
  Availability,
  ErrorBody,
  LeaveMessageInput,
  PreChatAnswers,
  RateConversationInput,
  VisitorConversation,
  VisitorHandshake,
} from '@hovor/protocol';
import {
  type ChatSnapshot,
  type ChatState,
  INITIAL_SNAPSHOT,
  isConversationActive,
  withConversation,
  withMessages,
  withRating,
  withReceipt,
  withRefusedStart,
} from './chat-state.js';
import { newClientId } from './client-id.js';
import { COMMAND_TIMEOUT_MS, createCommand } from './commands.js';
import { openConnection } from './connection.js';
import type { HostChannel } from './host-channel.js';
import { createHostReports } from './host-reports.js';
import { listen } from './listen.js';
import { createOutbox, outboxKey } from './outbox.js';
import { createPageSettings } from './page-settings.js';
import { createReceiptReporter } from './receipt-reporter.js';
import { WidgetError } from './retry.js';
import { listenToServer, type VisitorSocket } from './server-notifications.js';
import type { KeyValueStore } from './storage.js';
import { createTyping } from './typing.js';
import { createVisitorToken, forgetToken } from './visitor-token.js';

export interface ChatClientDeps {
  siteKey: string;
  host: HostChannel;
  store: KeyValueStore;
  state: ChatState;
  /** The chat's language now, for the site's texts the server sends (its offline text). */
  locale: () => string;
  /** An agent wrote while the visitor is not looking (the chat closed or the page hidden). */
  onUnseenAgentMessage: () => void;
  /** Whether the site asks the pre-chat form before a new conversation [P20]. */
  hasPreChatForm: boolean;
}

/** Talks to the `/visitor` namespace and keeps `state` in step with the server. */
export function createChatClient({
  siteKey,
  host,
  store,
  state,
  locale,
  onUnseenAgentMessage,
  hasPreChatForm,
}: ChatClientDeps) {
  const disposers: Array<() => void> = [];
  let socket: VisitorSocket | null = null;
  let resolveSocket: (s: VisitorSocket) => void = () => {};
  const socketReady = new Promise<VisitorSocket>((resolve) => {
    resolveSocket = resolve;
  });
  let starting: Promise<VisitorConversation> | null = null;
  let startRequestId: string | null = null;
  const reports = createHostReports(
    state,
    host,
    () => document.visibilityState === 'visible',
    onUnseenAgentMessage,
  );
  /** The page's department (`Hovor('setDepartment', id)`), read at each use so a change applies. */
  const department = () => host.departmentId ?? undefined;

  const command = createCommand(socketReady);

  function applyConversation(conversation: VisitorConversation): void {
    state.update((s) => withConversation(s, conversation));
  }

  async function sync(): Promise<void> {
    for (;;) {
      const { conversation, syncedSeq } = state.get();
      const page = await command(
        'conversation:sync',
        conversation ? { conversationId: conversation.id, afterSeq: syncedSeq } : { afterSeq: 0 },
      );
      state.update((s) =>
        withRating(
          page.receipts.reduce(
            withReceipt,
            withMessages(page.conversation ? withConversation(s, page.conversation) : s, page.messages, true),
          ),
          page.rating,
        ),
      );
      if (!page.hasMore || page.messages.length === 0) break;
    }
    reports.synced();
  }

  function resync(): void {
    sync().catch(() => {
      // Retries are exhausted; the next reconnect syncs again from the same lastSeq.
    });
  }

  /**
   * [RT17] A start answered CONFLICT means the team went offline meanwhile: returns what the site
   * offers now if that is the form or nothing, else null (the start failed for another reason).
   */
  async function offlineAfterRefusal(error: unknown): Promise<Availability | null> {
    if (!(error instanceof WidgetError && error.code === 'CONFLICT')) return null;
    const availability = await command('availability:get', { departmentId: department(), locale: locale() });
    return availability.mode === 'offline' || availability.mode === 'hidden' ? availability : null;
  }

  /** [P20] The pre-chat form's answers and department choice, sent with every new start. */
  let preChat: { about: PreChatAnswers; departmentId: string | undefined } | null = null;

  /** The open conversation, started first if there is none (one start at a time). */
  function ensureConversation(): Promise<VisitorConversation> {
    const current = state.get().conversation;
    if (current && current.state !== 'closed') return Promise.resolve(current);
    if (!starting) {
      // Kept until the start succeeds, so a retried start cannot open a second conversation.
      startRequestId ??= newClientId();
      starting = command('conversation:start', {
        requestId: startRequestId,
        departmentId: preChat?.departmentId ?? department(),
        ...(preChat ? { about: preChat.about } : {}),
      })
        .then((conversation) => {
          startRequestId = null;
          applyConversation(conversation);
          // Events created with the conversation may have been notified before we knew its id.
          resync();
          return conversation;
        })
        .finally(() => {
          starting = null;
        });
    }
    return starting;
  }

  /** One attempt at one message of the outbox, starting a conversation first when needed. */
  async function sendOne(clientMsgId: string, text: string): Promise<void> {
    const conversation = await ensureConversation().catch(async (error: unknown) => {
      const availability = await offlineAfterRefusal(error);
      if (!availability) throw error;
      state.update((s) => withRefusedStart(s, clientMsgId, availability));
      return null;
    });
    if (!conversation) return;
    const message = await command('message:send', { conversationId: conversation.id, clientMsgId, text }, 1);
    state.update((s) => withMessages(s, [message]));
  }

  const outbox = createOutbox({
    state,
    store,
    siteKey,
    send: sendOne,
    connected: () =>
      socketReady.then((s) =>
        s.connected ? undefined : new Promise((resolve) => s.once('connect', resolve)),
      ),
  });

  const receipts = createReceiptReporter({
    state,
    host,
    isPageVisible: () => document.visibilityState === 'visible',
    send: () =>
      socket?.connected
        ? (input) => socket!.timeout(COMMAND_TIMEOUT_MS).emitWithAck('receipt:set', input)
        : null,
  });

  /**
   * [P19] Connects again as another visitor: identified by the page, or a new anonymous one
   * after `Hovor('reset')`. What was shown belonged to the other visitor: the state starts over;
   * unsent messages go along when the same person signs in, not after a reset.
   */
  function reconnectAs(auth: Partial<VisitorHandshake>, keepsPending: boolean): void {
    const s = socket;
    if (!s) return;
    s.auth = { ...(s.auth as VisitorHandshake), ...auth };
    s.disconnect();
    state.update((st) => ({
      ...INITIAL_SNAPSHOT,
      connection: 'connecting',
      pending: keepsPending ? st.pending : [],
    }));
    reports.restart();
    s.connect();
  }

  const handshake = () => socket?.auth as VisitorHandshake | undefined;
  const settings = createPageSettings({
    host,
    isConnected: () => socket?.connected === true,
    report: {
      page: (input) => command('page:view', input, 1),
      attributes: (attributes) => command('visitor:attributes', { attributes }, 1),
    },
    identity: () => handshake()?.identity,
    reidentify: (identity) => reconnectAs({ identity }, true),
    reset: () => {
      preChat = null;
      outbox.forgetStored();
      forgetToken(store, siteKey);
      createVisitorToken(store, { siteKey, hostOrigin: host.hostOrigin, fresh: true })
        .then((token) => reconnectAs({ token, identity: undefined }, false))
        .catch((cause: unknown) => fail({ code: 'UNAVAILABLE', message: String(cause) }));
    },
  });

  /** [P16] Catches up with the server and sends what waits: on every (re)connect, focus, `online`, page show. */
  function catchUp(): void {
    if (!socket?.connected) {
      // A refused handshake waits for its backoff: the network or the tab is back, try now.
      if (socket && !socket.active && state.get().connection === 'offline') socket.connect();
      return;
    }
    resync();
    outbox.retryAll();
    receipts.report();
  }

  const typing = createTyping({
    state,
    emit: (conversationId, isTyping) => {
      socket
        ?.timeout(COMMAND_TIMEOUT_MS)
        .emitWithAck('typing:set', { conversationId, isTyping })
        .catch(() => undefined);
    },
  });

  /** Asks what the site (or the page's department) offers while no conversation is open [RT17]. */
  async function refreshAvailability(): Promise<void> {
    if (isConversationActive(state.get())) return;
    const availability = await command('availability:get', { departmentId: department(), locale: locale() });
    state.update((st) => ({ ...st, availability }));
  }

  function fail(error: ErrorBody): void {
    // [P26] Not available to this visitor: nothing of the chat stays shown, and the page hears that
    // no conversation goes on, so the launcher stops reopening the chat on every page.
    const kept = (s: ChatSnapshot) =>
      error.isChatUnavailable ? { ...INITIAL_SNAPSHOT, pending: s.pending } : s;
    state.update((s) => ({ ...kept(s), connection: 'failed', fatal: error }));
    if (error.isChatUnavailable) reports.synced();
    host.post({ type: 'error', code: error.code, message: error.message.slice(0, 500) });
  }

  async function connect(): Promise<void> {
    const connection = await openConnection({
      siteKey,
      host,
      store,
      state,
      fail,
      onConnect: () => {
        receipts.reset();
        settings.connected();
        sync()
          .then(refreshAvailability)
          .catch(() => {
            // Retries are exhausted; the next reconnect asks again.
          });
        outbox.retryAll();
      },
    });
    const s = connection.socket;
    socket = s;
    disposers.push(connection.dispose);
    listenToServer(s, { state, host, resync, onAgentTyping: typing.onAgentTyping });
    resolveSocket(s);
  }

  /** Shows `text` at once as "Sending…", then starts a conversation if needed and sends it. */
  function send(text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    typing.stop();
    outbox.add(newClientId(), trimmed);
  }

  return {
    /** Gets a token, connects and keeps syncing; failures end up in `state.fatal`. */
    start(): void {
      disposers.push(
        outbox.start(),
        () => receipts.dispose(),
        ...reports.start(),
        // Another department may be open when the site's queue is not: ask again (once connected).
        host.onDepartment(() => {
          if (socket?.connected) refreshAvailability().catch(() => undefined);
        }),
        ...settings.start(),
      );
      const onStorage = (e: StorageEvent) => {
        if (e.key === null || e.key === outboxKey(siteKey)) outbox.storedChanged();
      };
      disposers.push(
        // [P16] Coming back to the tab, to the network or to the page (back/forward cache) catches up.
        ...(['focus', 'online', 'pageshow'] as const).map((type) => listen(window, type, catchUp)),
        // [P16] Another tab of the site changed the stored outbox.
        listen(window, 'storage', onStorage),
        listen(document, 'visibilitychange', () => {
          receipts.report();
          reports.visibilityChanged();
        }),
      );
      connect().catch((cause: unknown) =>
        fail({ code: 'UNAVAILABLE', message: `could not reach the chat server (${String(cause)})` }),
      );
    },

    send,

    /** [P20] The pre-chat form was answered: the answers go with the start, `text` is the first message. */
    startWithPreChat(about: PreChatAnswers, departmentId: string | undefined, text: string): void {
      preChat = { about, departmentId };
      state.update((s) => ({ ...s, hasAnsweredPreChat: true }));
      send(text);
    },

    /**
     * [P21] Uploads `file` to the conversation (started first if need be) and sends it as a
     * message; the code comes with the first file (most chats have none).
     */
    async sendFile(file: File): Promise<void> {
      const { sendFile } = await import('./file-upload.js');
      await sendFile({ state, ensureConversation, command, auth: handshake }, file);
    },

    /** [P21] A file of the conversation, fetched as this visitor (for a preview or a download). */
    async fetchFile(attachmentId: string): Promise<Blob> {
      const { fetchFile } = await import('./file-upload.js');
      return fetchFile(handshake(), attachmentId);
    },

    /** Sends the failed messages again, each with its own clientMsgId so none is stored twice. */
    retry(): void {
      outbox.retryAll();
    },

    startNewConversation(): void {
      // [P20] Not answered on this page yet: the form shows in place of the ended chat.
      if (hasPreChatForm && !preChat) {
        state.update((s) => ({
          ...INITIAL_SNAPSHOT,
          connection: s.connection,
          availability: s.availability,
        }));
        return;
      }
      ensureConversation()
        .catch(async (error: unknown) => {
          const availability = await offlineAfterRefusal(error);
          if (availability) state.update((s) => ({ ...s, availability }));
        })
        .catch(() => {
          // The button stays visible, so the visitor can try again.
        });
    },

    /**
     * Sends the offline form [RT18]; the caller keeps one `requestId` across retries so the
     * message is stored once. Rejects with a `WidgetError`.
     */
    async leaveMessage(input: LeaveMessageInput): Promise<void> {
      await command('offline:leave', { ...input, departmentId: department() });
      state.update((s) => ({ ...s, draft: '' }));
    },

    /**
     * Rates the ended conversation [P17]; the caller keeps one `requestId` across retries, so a
     * lost answer cannot turn into a second rating. Rejects with a `WidgetError`.
     */
    async rate(input: RateConversationInput): Promise<void> {
      const rating = await command('conversation:rate', input);
      state.update((s) => withRating(s, rating));
    },

    /** Call on every input in the composer. */
    noteTyping: typing.note,

    dispose(): void {
      for (const dispose of disposers.splice(0)) dispose();
      typing.dispose();
      socket?.disconnect();
    },
  };
}
export type ChatClient = ReturnType<typeof createChatClient>;
