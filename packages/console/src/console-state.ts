import type { ConversationSummary, Message } from '@hovor/protocol';
import { batch, computed, signal } from '@preact/signals';
import type { Api } from './api';
import { createBlockActions } from './blocks/block-actions';
import { toConsoleError } from './console-error';
import { createConversationActions } from './conversation-actions';
import { createConversationState } from './conversation-state';
import { createInboxState } from './inbox-state';
import { createOutbox } from './outbox';
import type { PageEvents } from './page-events';
import { createReceiptReporter } from './receipt-reporter';
import { createReceiptsState } from './receipts-state';
import { createSessionState } from './session-state';
import { type AgentSocket, on } from './socket';
import type { KeyValueStore } from './storage';

export interface ConsoleDeps {
  api: Api;
  connect: () => AgentSocket;
  /** Where the outbox survives reloads: `localStorage` behind `createSafeStorage`. */
  storage: KeyValueStore;
  page: PageEvents;
  /** `Math.random` unless a test pins the jitter. */
  random?: () => number;
}

export type ConsoleState = ReturnType<typeof createConsoleState>;

/**
 * The console's client-side cache and actions. The server is authoritative: every change
 * comes from an ack or a notification, and every (re)connect, focus, `online` and page show
 * reloads what is shown [P16].
 *
 * Each part owns one job; this factory wires them together. The callbacks below refer to
 * parts made after them, which is safe: none runs before `start()`.
 */
export function createConsoleState({ api, connect, storage, page, random = Math.random }: ConsoleDeps) {
  const error = signal<string | null>(null);

  function showError(cause: unknown): void {
    error.value = toConsoleError(cause).message;
  }

  const session = createSessionState({
    api,
    connect,
    error,
    showError,
    random,
    subscribe: (s) => [
      on(s, 'conversation:updated', onConversationUpdated, showError),
      on(s, 'conversations:updated', (summaries) => summaries.forEach(onConversationUpdated), showError),
      on(s, 'message:created', onMessageCreated, showError),
      on(s, 'typing:changed', conversation.onTypingChanged, showError),
      on(s, 'receipt:updated', (receipt) => receipts.apply([receipt]), showError),
      on(s, 'conversation:rated', (rating) => conversation.onRated(rating), showError),
      on(s, 'conversation:page', (viewed) => conversation.onPage(viewed), showError),
      on(s, 'visitor:blocked', (block) => conversation.onBlocked(block), showError),
      on(s, 'visitor:unblocked', (lifted) => conversation.onUnblocked(lifted), showError),
      page.on('focus', () => void resync()),
      page.on('online', () => void resync()),
      page.on('pageshow', () => void resync()),
      page.on('visibilitychange', () => {
        const id = conversation.currentId.value;
        if (id) reporter.noteShown(id);
      }),
      page.on('storage', () => outbox.storedChanged()),
    ],
    onSignedIn: (profile) => outbox.load(profile.id),
    onConnected: () => {
      // The sync error a lost connection left behind is over; newer ones show again.
      error.value = null;
      outbox.resume();
      reporter.resume();
      void resync();
    },
    onDisconnected: () => {
      outbox.pause();
      reporter.pause();
    },
    onSignedOut: () => {
      inbox.clear();
      conversation.clear();
      outbox.unload();
      receipts.clear();
      reporter.clear();
    },
  });
  const { requireSocket } = session;
  const inbox = createInboxState({ requireSocket, showError });
  const receipts = createReceiptsState();
  const outbox = createOutbox({ storage, requireSocket, random, onSent: onMessageCreated });
  const reporter = createReceiptReporter({
    requireSocket,
    isAssignedToMe,
    isShown: (id) => id === conversation.currentId.value && page.isVisible(),
    onReported: (receipt) => receipts.apply([receipt]),
    showError,
    random,
  });
  const conversation = createConversationState({
    requireSocket,
    currentSocket: session.currentSocket,
    showError,
    inbox,
    outbox,
    onReceived: received,
    onReceipts: receipts.apply,
  });
  const blocks = createBlockActions({ requireSocket, conversation });
  const actions = createConversationActions({
    requireSocket,
    showError,
    onUpdated: onConversationUpdated,
    inbox,
    conversation,
  });

  /** Whether the signed-in agent is the assignee; the open conversation's summary is the freshest. */
  function isAssignedToMe(conversationId: string): boolean {
    const open = conversation.current.value;
    const summary = open?.id === conversationId ? open : inbox.find(conversationId);
    const meId = session.me.value?.id;
    return summary?.state === 'assigned' && meId !== undefined && summary.agent?.id === meId;
  }

  /** Messages arrived for a conversation: they confirm the outbox's copies and are reported. */
  function received(conversationId: string, messages: readonly Message[]): void {
    outbox.confirmed(messages);
    const highest = Math.max(0, ...messages.map((m) => m.seq));
    if (highest > 0) reporter.noteReceived(conversationId, highest);
    // Opening a conversation whose messages came earlier shows them: that is a read.
    if (conversationId === conversation.currentId.value) reporter.noteShown(conversationId);
  }

  function onMessageCreated(message: Message): void {
    batch(() => {
      received(message.conversationId, [message]);
      conversation.onMessageCreated(message);
    });
  }

  let syncing: Promise<void> | null = null;
  let isSyncDue = false;

  /**
   * Reloads the lists and fetches the open conversation after its last seq [P8]; failures show in
   * the error banner. While one runs, further calls (a focus right after a reconnect) make one more.
   */
  function resync(): Promise<void> {
    if (session.connection.value !== 'connected') return Promise.resolve(); // the connect resyncs
    if (syncing) {
      isSyncDue = true;
      return syncing;
    }
    syncing = (async () => {
      try {
        do {
          isSyncDue = false;
          await Promise.all([inbox.load(), conversation.refetch()]);
        } while (isSyncDue && session.connection.value === 'connected');
      } finally {
        syncing = null;
      }
    })();
    return syncing;
  }

  function onConversationUpdated(summary: ConversationSummary): void {
    const profile = session.me.value;
    if (!profile) return;
    batch(() => {
      inbox.apply(summary, profile.id);
      conversation.applySummary(summary);
    });
  }

  return {
    session: session.session,
    me: session.me,
    signInError: session.signInError,
    signInNotice: session.signInNotice,
    isSigningIn: session.isSigningIn,
    connection: session.connection,
    isBackOnline: session.isBackOnline,
    error,
    lists: inbox.lists,
    box: inbox.box,
    currentId: conversation.currentId,
    current: conversation.current,
    messages: conversation.messages,
    isLoadingConversation: conversation.isLoadingConversation,
    takingId: actions.takingId,
    typingName: conversation.typingName,
    rating: conversation.rating,
    pages: conversation.pages,
    visitor: conversation.visitor,
    /** The open conversation's visitor's block, while they are blocked [P26]. */
    block: conversation.block,
    pending: conversation.pending,
    /** The visitor's receipt of the open conversation, for the state of the agent's messages. */
    visitorReceipt: computed(() => receipts.visitorOf(conversation.currentId.value)),
    start: session.start,
    signIn: session.signIn,
    signOut: session.signOut,
    signOutEverywhere: session.signOutEverywhere,
    changePassword: session.changePassword,
    dispose: session.closeSocket,
    dismissError: () => (error.value = null),
    selectBox: inbox.selectBox,
    openConversation: conversation.open,
    closeConversation: actions.closeConversation,
    takeConversation: actions.takeConversation,
    reopenConversation: actions.reopenConversation,
    loadTeam: actions.loadTeam,
    transferConversation: actions.transferConversation,
    blockVisitor: blocks.blockVisitor,
    listBlocks: blocks.listBlocks,
    unblockVisitor: blocks.unblockVisitor,
    sendMessage: conversation.sendMessage,
    sendFile: conversation.sendFile,
    addNote: conversation.addNote,
    retrySend: outbox.retry,
    discardPending: outbox.drop,
    noteTyping: conversation.noteTyping,
    stopTyping: conversation.stopTyping,
    setStatus: session.setStatus,
  };
}
