import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Composer } from './Composer.js';
import { useChatSnapshot } from './chat-context.js';
import { chatView } from './chat-state.js';
import { Header } from './Header.js';
import { MessageList } from './MessageList.js';
import { StatusLine } from './StatusLine.js';

/** The offline form, fetched the first time it is needed: most visitors never see it. */
function LazyOfflineForm() {
  const [Form, setForm] = useState<FunctionComponent | null>(null);
  const [isFailed, setIsFailed] = useState(false);
  useEffect(() => {
    import('./OfflineForm.js').then(
      (m) => setForm(() => m.OfflineForm),
      () => setIsFailed(true),
    );
  }, []);
  if (Form) return <Form />;
  return <p class="hv-scroller">{isFailed ? 'The form could not be loaded; reopen the chat later.' : ''}</p>;
}

export function App() {
  const snapshot = useChatSnapshot();
  const { fatal } = snapshot;
  const view = chatView(snapshot);
  return (
    <div class="hv-app">
      <Header />
      {view === 'hidden' ? (
        <p class="hv-scroller">Chat is not available right now.</p>
      ) : (
        <>
          <StatusLine />
          {view === 'offline' ? <LazyOfflineForm /> : <MessageList />}
          {fatal ? (
            <p class="hv-fatal" role="alert">
              The chat is unavailable right now ({fatal.message}).
            </p>
          ) : (
            view === 'chat' && <Composer />
          )}
        </>
      )}
    </div>
  );
}
