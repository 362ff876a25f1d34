import type { Message, Receipt } from '@hovor/protocol';
import type { PendingMessage } from './outbox';

/**
 * How far one of the agent's own messages has got: in the outbox (`sending`, or `failed` with
 * Retry), stored by the server with a seq (`sent`), on a device of the visitor (`delivered`),
 * shown to the visitor (`read`) [P13].
 */
export type MessageState = 'sending' | 'failed' | 'sent' | 'delivered' | 'read';

/** What a screen reader says for each state, also the icon's tooltip. */
export const MESSAGE_STATE_LABEL: Record<MessageState, string> = {
  sending: 'Sending',
  failed: 'Not sent',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
};

/** The state of a message still in the outbox. */
export function pendingState(pending: PendingMessage): 'sending' | 'failed' {
  return pending.status === 'sending' ? 'sending' : 'failed';
}

/**
 * The state of a stored message written by agent `meId`, judged by the visitor's receipt; `null`
 * for anyone else's message and for events. A note never reaches the visitor [P12], so it stays
 * `sent` even though the visitor's receipt counts past its seq.
 */
export function storedState(message: Message, meId: string, visitor: Receipt | null): MessageState | null {
  if (message.kind === 'event' || message.author.type !== 'agent' || message.author.id !== meId) return null;
  if (message.kind === 'note' || !visitor) return 'sent';
  if (visitor.readSeq >= message.seq) return 'read';
  if (visitor.deliveredSeq >= message.seq) return 'delivered';
  return 'sent';
}
