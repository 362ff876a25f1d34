import type { FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Composer } from './Composer.js';
import { useChatSnapshot, useServices } from './chat-context.js';
import { chatView, isRateable } from './chat-state.js';
import { Header } from './Header.js';
import { fill } from './i18n.js';
import { MessageList } from './MessageList.js';
import { StatusLine } from './StatusLine.js';

/**
 * A panel fetched the first time it is shown: most visitors never see the offline form, and a
 * chat that has not ended needs no rating or transcript.
 */
function Lazy({ load }: { load: () => Promise<FunctionComponent> }) {
  const { i18n } = useServices();
  const [Panel, setPanel] = useState<FunctionComponent | null>(null);
  const [isFailed, setIsFailed] = useState(false);
  useEffect(() => {
    load().then(
      (component) => setPanel(() => component),
      () => setIsFailed(true),
    );
  }, [load]);
  if (Panel) return <Panel />;
  return <p class="hv-scroller">{isFailed ? i18n.t.panelFailed : ''}</p>;
}

const loadOfflineForm = () => import('./OfflineForm.js').then((m) => m.OfflineForm);
const loadPreChatForm = () => import('./OfflineForm.js').then((m) => m.PreChatForm);
const loadEndedPanel = () => import('./EndedPanel.js').then((m) => m.EndedPanel);

/**
 * [P26] The visitor may not chat on this site: the same words as a hidden chat, nothing to type
 * into and no retry. Opening the chat puts the focus on the close button.
 */
function Unavailable() {
  const { host, i18n } = useServices();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (host.isOpen) close.current?.focus();
    return host.onOpened(() => close.current?.focus());
  }, [host]);
  return (
    <div class="hv-scroller hv-unavailable">
      <p role="status">{i18n.t.hidden}</p>
      <button ref={close} type="button" class="hv-send" onClick={() => host.post({ type: 'close' })}>
        {i18n.t.closeChat}
      </button>
    </div>
  );
}

export function App() {
  const snapshot = useChatSnapshot();
  const { config, i18n } = useServices();
  const { t } = i18n;
  const { fatal } = snapshot;
  const view = chatView(snapshot);
  // [P20] A new conversation on a site with a pre-chat form starts with the form.
  const asksPreChat =
    view === 'chat' && !!config.preChat && !snapshot.hasAnsweredPreChat && !snapshot.conversation;
  return (
    <div class="hv-app">
      <Header />
      {fatal?.isChatUnavailable ? (
        <Unavailable />
      ) : view === 'hidden' ? (
        <p class="hv-scroller">{t.hidden}</p>
      ) : (
        <>
          <StatusLine />
          {view === 'offline' ? (
            <Lazy load={loadOfflineForm} />
          ) : asksPreChat ? (
            <Lazy load={loadPreChatForm} />
          ) : (
            <MessageList />
          )}
          {view === 'chat' && isRateable(snapshot) && <Lazy load={loadEndedPanel} />}
          {fatal ? (
            <p class="hv-fatal" role="alert">
              {fill(t.unavailable, { name: fatal.message })}
            </p>
          ) : (
            view === 'chat' && !asksPreChat && <Composer />
          )}
        </>
      )}
    </div>
  );
}
