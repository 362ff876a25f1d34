import { type Attachment, type Message, type Receipt, splitLinks } from '@hovor/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { avatarColor, initialsOf } from './avatar.js';
import { useChatSnapshot, useServices } from './chat-context.js';
import { fill } from './i18n.js';
import { eventText, ownMessageState, type PendingMessage } from './messages.js';

type FileViewComponent = typeof import('./FileView.js')['FileView'];
/** Files are rare: their view is fetched the first time a message carries one [P21]. */
let loadFileView: Promise<FileViewComponent> | undefined;

/** A message's file, or its name until the file view has loaded. */
function FileItem({ attachment }: { attachment: Attachment }) {
  const [View, setView] = useState<FileViewComponent | null>(null);
  useEffect(() => {
    loadFileView ??= import('./FileView.js').then((m) => m.FileView);
    loadFileView.then(
      (component) => setView(() => component),
      () => {
        loadFileView = undefined;
      },
    );
  }, []);
  return View ? <View attachment={attachment} /> : <p class="hv-text">{attachment.name}</p>;
}

/** The text as text; only its http(s) addresses become links, opened in a new tab. */
const Text = ({ text }: { text: string }) => (
  <p class="hv-text">
    {splitLinks(text).map((part, i) =>
      i % 2 ? (
        <a href={part} target="_blank" rel="noopener noreferrer nofollow">
          {part}
        </a>
      ) : (
        part
      ),
    )}
  </p>
);

function MessageItem({ message, receipt }: { message: Message; receipt: Receipt | null }) {
  const { i18n } = useServices();
  const { t } = i18n;
  if (message.kind === 'event') return <li class="hv-event">{eventText(i18n, message)}</li>;
  if (message.author.type === 'visitor') {
    return (
      <li class="hv-msg hv-own">
        {message.attachment ? <FileItem attachment={message.attachment} /> : <Text text={message.text} />}
        <span class="hv-meta">{t[ownMessageState(message, receipt)]}</span>
      </li>
    );
  }
  if (message.author.type === 'system') return <li class="hv-event">{message.text}</li>;
  return (
    <li class="hv-msg hv-agent">
      <span class="hv-author">
        <span
          class="hv-avatar"
          aria-hidden="true"
          style={{ background: avatarColor(message.author.id ?? '') }}
        >
          {initialsOf(message.author.name ?? t.agent)}
        </span>
        <span>{message.author.name ?? t.agent}</span>
      </span>
      {message.attachment ? <FileItem attachment={message.attachment} /> : <Text text={message.text} />}
    </li>
  );
}

function PendingItem({ pending }: { pending: PendingMessage }) {
  const { client, i18n } = useServices();
  const { t } = i18n;
  return (
    <li class="hv-msg hv-own hv-pending">
      <p class="hv-text">{pending.text}</p>
      {pending.isFailed ? (
        <span class="hv-meta hv-failed">
          {t.notSent}{' '}
          <button type="button" class="hv-link" onClick={() => client.retry()}>
            {t.retry}
          </button>
        </span>
      ) : (
        <span class="hv-meta">{t.sending}</span>
      )}
    </li>
  );
}

export function MessageList() {
  const { config, i18n } = useServices();
  const { t } = i18n;
  // The site's greeting in the chat's language, when it wrote one.
  const greeting = config.greetings.find((g) => g.locale === i18n.locale)?.text ?? config.greeting;
  const { messages, pending, uploads, agentTyping, receipt } = useChatSnapshot();
  const scroller = useRef<HTMLElement>(null);
  const count = messages.length + pending.length + uploads.length;

  // Keep the newest message in view as the transcript grows.
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count, agentTyping]);

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to scroll from the keyboard (WCAG 2.1.1; axe's scrollable-region-focusable)
    <section class="hv-scroller" ref={scroller} tabIndex={0} aria-label={t.conversation}>
      {greeting && <p class="hv-greeting">{greeting}</p>}
      {/* The log wraps the list: a list with the log role would no longer hold its items. */}
      <div role="log" aria-live="polite" aria-label={t.messages}>
        <ul class="hv-log">
          {messages.map((m) => (
            <MessageItem key={m.id} message={m} receipt={receipt} />
          ))}
          {pending.map((p) => (
            <PendingItem key={p.clientMsgId} pending={p} />
          ))}
          {uploads.map((u) => (
            <li key={u.clientMsgId} class="hv-msg hv-own hv-pending">
              <p class="hv-text">{u.name}</p>
              <span class="hv-meta">{t.sending}</span>
            </li>
          ))}
        </ul>
      </div>
      {agentTyping !== null && <p class="hv-typing">{fill(t.typing, { name: agentTyping || t.theAgent })}</p>}
    </section>
  );
}
