import type { TypingChanged } from '@hovor/protocol';
import type { ChatState } from './chat-state.js';

/** While the visitor types, `typing:set true` is repeated at most this often. */
export const TYPING_THROTTLE_MS = 3_000;
/** Typing stops counting after this long without input. */
export const TYPING_IDLE_MS = 2_000;
/** Hides the agent's typing indicator if its "stopped typing" got lost. */
export const AGENT_TYPING_TIMEOUT_MS = 10_000;

/**
 * Typing both ways: the visitor's (throttled, stopped after a pause or a send) and the agent's
 * indicator (hidden by itself if its "stopped" got lost). Typing is a hint: a lost one is
 * corrected by the next, so it is neither retried nor shown as failed.
 */
export function createTyping(deps: {
  state: ChatState;
  /** Tells the server; a hint, so failures are ignored by the caller. */
  emit: (conversationId: string, isTyping: boolean) => void;
}) {
  const { state, emit } = deps;
  let typingConversationId: string | null = null;
  let lastSentAt = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let agentTimer: ReturnType<typeof setTimeout> | undefined;

  function stop(): void {
    clearTimeout(idleTimer);
    if (typingConversationId) emit(typingConversationId, false);
    typingConversationId = null;
    lastSentAt = 0;
  }

  return {
    stop,

    /** Call on every input in the composer. */
    note(): void {
      const conversation = state.get().conversation;
      if (!conversation || conversation.state === 'closed') return;
      const now = Date.now();
      if (typingConversationId !== conversation.id || now - lastSentAt > TYPING_THROTTLE_MS) {
        typingConversationId = conversation.id;
        lastSentAt = now;
        emit(conversation.id, true);
      }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(stop, TYPING_IDLE_MS);
    },

    /** The agent's `typing:changed`, for the shown conversation only. */
    onAgentTyping(typing: TypingChanged): void {
      if (typing.conversationId !== state.get().conversation?.id) return;
      clearTimeout(agentTimer);
      // '' when the agent's name is not known: the frame then says "The agent" in its language.
      const name = typing.isTyping ? (typing.name ?? '') : null;
      state.update((st) => ({ ...st, agentTyping: name }));
      if (name !== null) {
        agentTimer = setTimeout(
          () => state.update((st) => ({ ...st, agentTyping: null })),
          AGENT_TYPING_TIMEOUT_MS,
        );
      }
    },

    dispose(): void {
      clearTimeout(idleTimer);
      clearTimeout(agentTimer);
    },
  };
}
