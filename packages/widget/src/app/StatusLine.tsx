import { useChatSnapshot, useServices } from './chat-context.js';
import { statusText } from './status-text.js';

export function StatusLine() {
  const { client, i18n } = useServices();
  const { t } = i18n;
  const { conversation, queue, connection } = useChatSnapshot();
  return (
    <div class="hv-status-bar">
      <p role="status" class="hv-status">
        {statusText(i18n, conversation, queue)}
      </p>
      {conversation?.state === 'closed' && (
        <button type="button" class="hv-restart" onClick={() => client.startNewConversation()}>
          {t.restart}
        </button>
      )}
      <p class="hv-notice" aria-live="polite">
        {connection === 'offline' ? t.reconnecting : connection === 'restored' ? t.online : ''}
      </p>
    </div>
  );
}
