import type {
  ConversationSummary,
  Message,
  PageView,
  Rating,
  Receipt,
  TypingChanged,
  VisitorBlock,
  VisitorProfile,
  VisitorUnblocked,
} from '@hovor/protocol';
import { AckOf, API_PREFIX, Attachment } from '@hovor/protocol';
import { batch, computed, signal } from '@preact/signals';
import { createAgentTyping } from './agent-typing';
import type { InboxState } from './inbox-state';
import type { Outbox, PendingMessage } from './outbox';
import { type AgentSocket, command, newClientMsgId } from './socket';
import { heldThroughSeq, lastSeqOf, mergeMessages } from './transcript';

const AttachmentAck = AckOf(Attachment);

/** The visitor's typing indicator hides by itself after this long, in case its "stopped" is lost, in ms. */
export const TYPING_INDICATOR_TTL_MS = 10_000;

export interface ConversationDeps {
  requireSocket: () => AgentSocket;
  currentSocket: () => AgentSocket | null;
  showError: (cause: unknown) => void;
  inbox: Pick<InboxState, 'find'>;
  outbox: Pick<Outbox, 'pending' | 'queue'>;
  /** Receives each page of messages fetched, before it is shown. */
  onReceived: (conversationId: string, messages: readonly Message[]) => void;
  /** Receives both sides' receipts that each fetched page carries [P13]. */
  onReceipts: (receipts: readonly Receipt[]) => void;
}

export type ConversationState = ReturnType<typeof createConversationState>;

/** The open conversation: its summary, transcript, typing indicators and the replies to it. */
export function createConversationState({
  requireSocket,
  currentSocket,
  showError,
  inbox,
  outbox,
  onReceived,
  onReceipts,
}: ConversationDeps) {
  const currentId = signal<string | null>(null);
  const current = signal<ConversationSummary | null>(null);
  const messages = signal<readonly Message[]>([]);
  const isLoadingConversation = signal(false);
  const typingName = signal<string | null>(null);
  /** The visitor's rating of the open conversation, once given [P17]. */
  const rating = signal<Rating | null>(null);
  /** The pages the visitor viewed around the open conversation, oldest first [P18]. */
  const pages = signal<readonly PageView[]>([]);
  /** Who the visitor of the open conversation is (verified user, e-mail, attributes) [P19]. */
  const visitor = signal<VisitorProfile | null>(null);
  /** The block of the open conversation's visitor, while they are blocked [P26]. */
  const block = signal<VisitorBlock | null>(null);
  const pending = computed(() => outbox.pending.value.filter((p) => p.conversationId === currentId.value));
  const agentTyping = createAgentTyping({ conversationId: currentId, currentSocket, showError });

  let typingIndicatorTimer: ReturnType<typeof setTimeout> | undefined;

  function open(id: string): void {
    if (id === currentId.value) return;
    agentTyping.stopTyping();
    clearTimeout(typingIndicatorTimer);
    const known = inbox.find(id);
    batch(() => {
      currentId.value = id;
      current.value = known ?? null;
      messages.value = [];
      typingName.value = null;
      rating.value = null;
      pages.value = [];
      visitor.value = null;
      block.value = null;
    });
    void fetch(id, 0);
  }

  /** Pages `conversation:open` from `afterSeq` until the server has nothing more. */
  async function fetch(id: string, afterSeq: number): Promise<void> {
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
          onReceipts(page.receipts);
          if (page.rating) rating.value = page.rating;
          pages.value = page.pages;
          visitor.value = page.visitor;
          block.value = page.block ?? null;
          onReceived(id, page.messages);
          messages.value = mergeMessages(messages.value, page.messages);
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

  /** Fetches what the open conversation gained since its last known message [P8]. */
  function refetch(): Promise<void> | null {
    const id = currentId.value;
    return id ? fetch(id, heldThroughSeq(messages.value)) : null;
  }

  /** Takes a newer summary of the open conversation; older ones and other conversations are ignored. */
  function applySummary(summary: ConversationSummary): void {
    const held = current.value;
    if (summary.id === currentId.value && (!held || held.lastSeq <= summary.lastSeq)) current.value = summary;
  }

  /** Shows a message of the open conversation (a notification or an ack); others are ignored here. */
  function onMessageCreated(message: Message): void {
    if (message.conversationId !== currentId.value) return;
    batch(() => {
      messages.value = mergeMessages(messages.value, [message]);
      if (message.author.type === 'visitor') typingName.value = null;
    });
    // A hole in the seqs means notifications were missed: fetch what lies after it.
    const held = heldThroughSeq(messages.value);
    if (held > 0 && lastSeqOf(messages.value) > held && !isLoadingConversation.value) {
      void fetch(message.conversationId, held);
    }
  }

  function onTypingChanged(typing: TypingChanged): void {
    if (typing.conversationId !== currentId.value) return;
    clearTimeout(typingIndicatorTimer);
    typingName.value = typing.isTyping ? (typing.name ?? 'Visitor') : null;
    if (typing.isTyping)
      typingIndicatorTimer = setTimeout(() => (typingName.value = null), TYPING_INDICATOR_TTL_MS);
  }

  /** Queues a reply to the open conversation; returns whether there was anything to send. */
  function sendMessage(text: string): boolean {
    return queueReply(text, 'text');
  }

  /**
   * [P21] Uploads `file` to the open conversation (the agent's session cookie, same origin) and
   * sends it as a message; a refusal (type, size, closed) shows as the console's error.
   */
  async function sendFile(file: File): Promise<void> {
    const id = currentId.value;
    if (!id) return;
    try {
      // globalThis: this module's own fetch() pages a conversation.
      const res = await globalThis.fetch(
        `${API_PREFIX}/conversations/${encodeURIComponent(id)}/attachments?name=${encodeURIComponent(file.name)}`,
        { method: 'POST', headers: { 'content-type': file.type || 'application/octet-stream' }, body: file },
      );
      const parsed = AttachmentAck.safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw new Error(`The upload answered HTTP ${res.status}`);
      if (!parsed.data.ok) throw new Error(parsed.data.error.message);
      const { name, id: attachmentId } = parsed.data.data;
      const message = await command(requireSocket(), 'message:send', {
        conversationId: id,
        clientMsgId: newClientMsgId(),
        text: name,
        attachmentId,
      });
      onMessageCreated(message);
    } catch (cause) {
      showError(cause);
    }
  }

  /** Queues an internal note on the open conversation, never shown to the visitor [P12]. */
  function addNote(text: string): boolean {
    return queueReply(text, 'note');
  }

  function queueReply(text: string, kind: PendingMessage['kind']): boolean {
    const id = currentId.value;
    const trimmed = text.trim();
    if (!id || trimmed.length === 0) return false;
    if (kind === 'text') agentTyping.stopTyping();
    outbox.queue(id, kind, trimmed);
    return true;
  }

  /** Forgets the open conversation, as after sign-out; the caller batches. */
  function clear(): void {
    agentTyping.reset();
    clearTimeout(typingIndicatorTimer);
    currentId.value = null;
    current.value = null;
    messages.value = [];
    typingName.value = null;
    rating.value = null;
    pages.value = [];
    visitor.value = null;
    block.value = null;
  }

  /** `conversation:rated`: shown when it is about the open conversation. */
  function onRated(given: Rating): void {
    if (given.conversationId === currentId.value) rating.value = given;
  }

  /** `conversation:page`: the visitor of the open conversation went to another page. */
  function onPage({ conversationId, page }: { conversationId: string; page: PageView }): void {
    if (conversationId === currentId.value) pages.value = [...pages.value, page];
  }

  /** [P26] `visitor:blocked` (or the block's ack): shown when it is the open conversation's visitor. */
  function onBlocked(given: VisitorBlock): void {
    const open = current.value;
    if (open?.id === currentId.value && open.visitorId === given.visitorId && open.siteId === given.siteId)
      block.value = given;
  }

  /** [P26] `visitor:unblocked` (or the ack of lifting it). */
  function onUnblocked(lifted: VisitorUnblocked): void {
    if (block.value?.id === lifted.id) block.value = null;
  }

  return {
    currentId,
    current,
    messages,
    isLoadingConversation,
    typingName,
    rating,
    pages,
    visitor,
    block,
    pending,
    open,
    refetch,
    applySummary,
    onMessageCreated,
    onTypingChanged,
    onRated,
    onPage,
    onBlocked,
    onUnblocked,
    sendMessage,
    sendFile,
    addNote,
    noteTyping: agentTyping.noteTyping,
    stopTyping: agentTyping.stopTyping,
    clear,
  };
}
