import { useChatSnapshot, useServices } from './chat-context.js';
import { statusText } from './status-text.js';

export function StatusLine() {
  const { client } = useServices();
  const { conversation, queue, connection } = useChatSnapshot();
  return (
    <div class="hv-status-bar">
      <p role="status" class="hv-status">
        {statusText(conversation, queue)}
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
