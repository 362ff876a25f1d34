import type { Message } from '@hovor/protocol';
import { signal } from '@preact/signals';
import { toConsoleError } from './console-error';
import { type AgentSocket, command, newClientMsgId } from './socket';

/** Attempts of one `message:send` before the message is shown as not sent. */
export const MAX_SEND_ATTEMPTS = 3;

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

export interface OutboxDeps {
  requireSocket: () => AgentSocket;
  /** Receives each message the server confirmed, after it left the outbox. */
  onSent: (message: Message) => void;
}

export type Outbox = ReturnType<typeof createOutbox>;

/** Replies and notes on their way to the server, across every conversation. */
export function createOutbox({ requireSocket, onSent }: OutboxDeps) {
  const pending = signal<readonly PendingMessage[]>([]);

  function queue(conversationId: string, kind: PendingMessage['kind'], text: string): void {
    const reply: PendingMessage = {
      clientMsgId: newClientMsgId(),
      conversationId,
      kind,
      text,
      error: null,
    };
    pending.value = [...pending.value, reply];
    void deliver(reply);
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
        drop(reply.clientMsgId);
        onSent(message);
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

  function retry(clientMsgId: string): void {
    const reply = pending.value.find((p) => p.clientMsgId === clientMsgId);
    if (!reply) return;
    const again = { ...reply, error: null };
    pending.value = pending.value.map((p) => (p.clientMsgId === clientMsgId ? again : p));
    void deliver(again);
  }

  /** Sends again, under the same clientMsgId, every message whose last attempt failed. */
  function retryFailed(): void {
    for (const p of pending.value) if (p.error) retry(p.clientMsgId);
  }

  function drop(clientMsgId: string): void {
    if (pending.value.some((p) => p.clientMsgId === clientMsgId)) {
      pending.value = pending.value.filter((p) => p.clientMsgId !== clientMsgId);
    }
  }

  return {
    pending,
    queue,
    retry,
    retryFailed,
    drop,
    clear: () => (pending.value = []),
  };
}
