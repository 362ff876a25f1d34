import type { QueuePosition, VisitorConversation } from '@hovor/protocol';

/** The visitor's place in the queue, e.g. "You are number 2 in the queue — about 3 min". */
export function queueText({ position, etaSeconds }: QueuePosition): string {
  const place = `You are number ${position} in the queue`;
  if (etaSeconds === null) return place;
  return `${place} — ${etaSeconds < 60 ? 'less than a minute' : `about ${Math.ceil(etaSeconds / 60)} min`}`;
}

/** The line above the transcript that says where the conversation stands. */
export function statusText(conversation: VisitorConversation | null, queue: QueuePosition | null): string {
  switch (conversation?.state) {
    case 'queued':
      // Until the server has placed the conversation in the queue.
      return queue ? queueText(queue) : 'Waiting for an agent…';
    case 'assigned':
      return `Connected with ${conversation.agent?.name ?? 'an agent'}`;
    case 'closed':
      return 'The conversation has ended';
    default:
      return '';
  }
}
