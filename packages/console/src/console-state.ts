import type { ConversationSummary } from '@hovor/protocol';
import { batch, signal } from '@preact/signals';
import type { Api } from './api';
import { toConsoleError } from './console-error';
import { createConversationActions } from './conversation-actions';
import { createConversationState } from './conversation-state';
import { createInboxState } from './inbox-state';
import { createOutbox } from './outbox';
import { createSessionState } from './session-state';
import { type AgentSocket, on } from './socket';

export interface ConsoleDeps {
  api: Api;
  connect: () => AgentSocket;
}

export type ConsoleState = ReturnType<typeof createConsoleState>;

/**
 * The console's client-side cache and actions. The server is authoritative: every change
 * comes from an ack or a notification, and every (re)connect reloads what is shown.
 *
 * Each part owns one job; this factory wires them together. The callbacks below refer to
 * parts made after them, which is safe: none runs before `start()`.
 */
export function createConsoleState({ api, connect }: ConsoleDeps) {
  const error = signal<string | null>(null);

  function showError(cause: unknown): void {
    error.value = toConsoleError(cause).message;
  }

  const session = createSessionState({
    api,
    connect,
    error,
    showError,
    subscribe: (s) => [
      on(s, 'conversation:updated', onConversationUpdated, showError),
      on(s, 'message:created', conversation.onMessageCreated, showError),
      on(s, 'typing:changed', conversation.onTypingChanged, showError),
    ],
    onConnected: () => void resync(),
    onSignedOut: () => {
      inbox.clear();
      conversation.clear();
      outbox.clear();
    },
  });
  const { requireSocket } = session;
  const inbox = createInboxState({ requireSocket, showError });
  const outbox = createOutbox({ requireSocket, onSent: (message) => conversation.onMessageCreated(message) });
  const conversation = createConversationState({
    requireSocket,
    currentSocket: session.currentSocket,
    showError,
    inbox,
    outbox,
  });
  const actions = createConversationActions({
    requireSocket,
    showError,
    onUpdated: onConversationUpdated,
    inbox,
    conversation,
  });

  /** Reloads the lists and the open conversation; runs on every (re)connect. */
  async function resync(): Promise<void> {
    error.value = null;
    await Promise.all([inbox.load(), conversation.refetch()]);
    // Replies that failed while offline go out again, under the same clientMsgId.
    outbox.retryFailed();
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
    isSigningIn: session.isSigningIn,
    connection: session.connection,
    error,
    lists: inbox.lists,
    box: inbox.box,
    currentId: conversation.currentId,
    current: conversation.current,
    messages: conversation.messages,
    isLoadingConversation: conversation.isLoadingConversation,
    takingId: actions.takingId,
    typingName: conversation.typingName,
    pending: conversation.pending,
    start: session.start,
    signIn: session.signIn,
    signOut: session.signOut,
    dispose: session.closeSocket,
    dismissError: () => (error.value = null),
    selectBox: inbox.selectBox,
    openConversation: conversation.open,
    closeConversation: actions.closeConversation,
    takeConversation: actions.takeConversation,
    reopenConversation: actions.reopenConversation,
    loadTeam: actions.loadTeam,
    transferConversation: actions.transferConversation,
    sendMessage: conversation.sendMessage,
    addNote: conversation.addNote,
    retrySend: outbox.retry,
    discardPending: outbox.drop,
    noteTyping: conversation.noteTyping,
    stopTyping: conversation.stopTyping,
    setStatus: session.setStatus,
  };
}
