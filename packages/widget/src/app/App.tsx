import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Composer } from './Composer.js';
import { useChatSnapshot } from './chat-context.js';
import { chatView, isRateable } from './chat-state.js';
import { Header } from './Header.js';
import { MessageList } from './MessageList.js';
import { StatusLine } from './StatusLine.js';

/**
 * A panel fetched the first time it is shown: most visitors never see the offline form, and a
 * chat that has not ended needs no rating or transcript.
 */
function Lazy({ load, failed }: { load: () => Promise<FunctionComponent>; failed: string }) {
  const [Panel, setPanel] = useState<FunctionComponent | null>(null);
  const [isFailed, setIsFailed] = useState(false);
  useEffect(() => {
    load().then(
      (component) => setPanel(() => component),
      () => setIsFailed(true),
    );
  }, [load]);
  if (Panel) return <Panel />;
  return <p class="hv-scroller">{isFailed ? failed : ''}</p>;
}

const loadOfflineForm = () => import('./OfflineForm.js').then((m) => m.OfflineForm);
const loadEndedPanel = () => import('./EndedPanel.js').then((m) => m.EndedPanel);

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
          {view === 'offline' ? (
            <Lazy load={loadOfflineForm} failed="The form could not be loaded; reopen the chat later." />
          ) : (
            <MessageList />
          )}
          {view === 'chat' && isRateable(snapshot) && (
            <Lazy load={loadEndedPanel} failed="The rating could not be loaded." />
          )}
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
