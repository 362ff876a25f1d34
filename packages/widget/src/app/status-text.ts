import type { QueuePosition, VisitorConversation } from '@hovor/protocol';
import { fill, type I18n, plural } from './i18n.js';

/** The visitor's place in the queue, e.g. "You are number 2 in the queue — about 3 minutes". */
export function queueText(i18n: I18n, { position, etaSeconds }: QueuePosition): string {
  const { t } = i18n;
  const place = fill(t.place, { n: position });
  if (etaSeconds === null) return place;
  return `${place} — ${etaSeconds < 60 ? t.soon : plural(i18n, t.minutes, Math.ceil(etaSeconds / 60))}`;
}

/** The line above the transcript that says where the conversation stands. */
export function statusText(
  i18n: I18n,
  conversation: VisitorConversation | null,
  queue: QueuePosition | null,
): string {
  const { t } = i18n;
  switch (conversation?.state) {
    case 'queued':
      // Until the server has placed the conversation in the queue.
      return queue ? queueText(i18n, queue) : t.waiting;
    case 'assigned':
      return fill(t.connected, { name: conversation.agent?.name ?? t.anAgent });
    case 'closed':
      return t.ended;
    default:
      return '';
  }
}
