import type { ConversationSummary, Team, TransferTarget } from '@hovor/protocol';
import { batch, signal } from '@preact/signals';
import { ConsoleError } from './console-error';
import type { ConversationState } from './conversation-state';
import type { InboxState } from './inbox-state';
import { type AgentSocket, command } from './socket';
import { transferInput } from './team';

export interface ConversationActionsDeps {
  requireSocket: () => AgentSocket;
  showError: (cause: unknown) => void;
  /** Applies a summary the server answered with, as a `conversation:updated` would. */
  onUpdated: (summary: ConversationSummary) => void;
  inbox: Pick<InboxState, 'box'>;
  conversation: Pick<ConversationState, 'currentId' | 'open'>;
}

/** What an agent does to a conversation: take, reopen, close and transfer it. */
export function createConversationActions({
  requireSocket,
  showError,
  onUpdated,
  inbox,
  conversation,
}: ConversationActionsDeps) {
  /** The conversation a `conversation:take` or `conversation:reopen` is under way for. */
  const takingId = signal<string | null>(null);

  async function closeConversation(): Promise<void> {
    const id = conversation.currentId.value;
    if (!id) return;
    try {
      const summary = await command(requireSocket(), 'conversation:close', { conversationId: id });
      onUpdated(summary);
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
        onUpdated(summary);
        inbox.box.value = 'mine';
        conversation.open(id);
      });
    } catch (cause) {
      showError(cause);
    } finally {
      takingId.value = null;
    }
  }

  /** The colleagues and departments the open conversation can go to; rejects with a `ConsoleError`. */
  function loadTeam(): Promise<Team> {
    const id = conversation.currentId.value;
    if (!id) return Promise.reject(new ConsoleError('NOT_FOUND', 'Open a conversation first.'));
    return command(requireSocket(), 'team:list', { conversationId: id });
  }

  /**
   * [RT16] Hands the open conversation to a colleague or a department, with an optional comment
   * (stored as an internal note). Rejects with a `ConsoleError` for the dialog to show; on success
   * the conversation leaves Mine.
   */
  async function transferConversation(to: TransferTarget, comment: string): Promise<void> {
    const id = conversation.currentId.value;
    if (!id) throw new ConsoleError('NOT_FOUND', 'Open a conversation first.');
    const summary = await command(requireSocket(), 'conversation:transfer', transferInput(id, to, comment));
    onUpdated(summary);
  }

  return {
    takingId,
    closeConversation,
    takeConversation,
    reopenConversation,
    loadTeam,
    transferConversation,
  };
}
