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
      <p class="hv-notice" aria-live="polite">
        {connection === 'offline'
          ? 'Connection lost, reconnecting…'
          : connection === 'restored'
            ? 'Back online'
            : ''}
      </p>
    </div>
  );
}
