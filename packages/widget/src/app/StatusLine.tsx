import type { VisitorConversation } from '@hovor/protocol';
import { useChatSnapshot, useServices } from './chat-context.js';

function statusText(conversation: VisitorConversation | null): string {
  switch (conversation?.state) {
    case 'queued':
      return 'Waiting for an agent…';
    case 'assigned':
      return `Connected with ${conversation.agent?.name ?? 'an agent'}`;
    case 'closed':
      return 'The conversation has ended';
    default:
      return '';
  }
}

export function StatusLine() {
  const { client } = useServices();
  const { conversation, connection } = useChatSnapshot();
  return (
    <div class="hv-status-bar">
      <p role="status" class="hv-status">
        {statusText(conversation)}
      </p>
      {conversation?.state === 'closed' && (
        <button type="button" class="hv-restart" onClick={() => client.startNewConversation()}>
          Start a new conversation
        </button>
      )}
      {connection === 'offline' && (
        <p class="hv-notice" aria-live="polite">
          Connection lost, reconnecting…
        </p>
      )}
    </div>
  );
}
