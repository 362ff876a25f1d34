import type { ReadonlySignal } from '@preact/signals';
import { type AgentSocket, command } from './socket';

/** Idle time after the last keystroke before the agent is reported as no longer typing, in ms. */
export const TYPING_IDLE_MS = 3_000;

export interface AgentTypingDeps {
  /** The conversation the agent types in. */
  conversationId: ReadonlySignal<string | null>;
  currentSocket: () => AgentSocket | null;
  showError: (cause: unknown) => void;
}

/** Tells the visitor whether the agent is typing: on the first keystroke, and again once idle. */
export function createAgentTyping({ conversationId, currentSocket, showError }: AgentTypingDeps) {
  let isTypingSent = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  function send(isTyping: boolean): void {
    const id = conversationId.value;
    const socket = currentSocket();
    if (!id || !socket) return;
    isTypingSent = isTyping;
    command(socket, 'typing:set', { conversationId: id, isTyping }).catch(showError);
  }

  /** Call on every keystroke in the reply box. */
  function noteTyping(): void {
    if (!isTypingSent) send(true);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping(): void {
    clearTimeout(idleTimer);
    if (isTypingSent) send(false);
  }

  /** Forgets the typing state without telling the server, as after sign-out. */
  function reset(): void {
    clearTimeout(idleTimer);
    isTypingSent = false;
  }

  return { noteTyping, stopTyping, reset };
}
