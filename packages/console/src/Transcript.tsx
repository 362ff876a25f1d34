import { API_PREFIX, type Attachment, type Message } from '@hovor/protocol';
import { useEffect, useRef } from 'preact/hooks';
import { useConsoleState } from './console-context';
import { formatTime } from './format-time';
import { MessageText } from './MessageText';
import { MESSAGE_STATE_LABEL, type MessageState, pendingState, storedState } from './message-state';
import type { PendingMessage } from './outbox';
import { authorName, eventText } from './transcript';

/** The messages of the open conversation, then the replies still being sent. */
export function Transcript({ visitorName }: { visitorName: string }) {
  const state = useConsoleState();
  const messages = state.messages.value;
  const pending = state.pending.value;
  const meId = state.me.value?.id ?? null;
  const visitorReceipt = state.visitorReceipt.value;
  const log = useRef<HTMLDivElement>(null);

  // Keep the newest line in view as messages arrive.
  const count = messages.length + pending.length;
  useEffect(() => {
    const el = log.current;
    if (el && count > 0) el.scrollTop = el.scrollHeight;
  }, [count]);

  return (
    <div class="transcript" role="log" aria-label="Transcript" ref={log}>
      {messages.length === 0 && state.isLoadingConversation.value && <p class="muted">Loading…</p>}
      <ol>
        {messages.map((message) => (
          <MessageLine
            key={message.id}
            message={message}
            visitorName={visitorName}
            state={meId ? storedState(message, meId, visitorReceipt) : null}
          />
        ))}
        {pending.map((reply) => (
          <PendingLine key={reply.clientMsgId} reply={reply} author={state.me.value?.name ?? 'You'} />
        ))}
      </ol>
    </div>
  );
}

/** Marks what the visitor never sees [P12]. */
function NoteLabel() {
  return <strong class="note-label">Internal note</strong>;
}

const STATE_ICON: Record<MessageState, string> = {
  sending: '…',
  failed: '!',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
};

/** How far one of the agent's own messages has got, as an icon with a spoken label. */
function StateMark({ state }: { state: MessageState }) {
  const label = MESSAGE_STATE_LABEL[state];
  return (
    <span class={`message-state ${state}`} role="img" aria-label={label} title={label}>
      {STATE_ICON[state]}
    </span>
  );
}

function PendingLine({ reply, author }: { reply: PendingMessage; author: string }) {
  const state = useConsoleState();
  const mark = pendingState(reply);
  return (
    <li class={`message pending ${reply.kind === 'note' ? 'note' : 'agent'}`}>
      <div class="meta">
        {reply.kind === 'note' && <NoteLabel />}
        <span class="author">{author}</span> <StateMark state={mark} />
      </div>
      <MessageText text={reply.text} />
      {mark === 'failed' && (
        <p class="send-error">
          {reply.error}{' '}
          <button type="button" class="link" onClick={() => state.retrySend(reply.clientMsgId)}>
            Retry
          </button>{' '}
          <button type="button" class="link" onClick={() => state.discardPending(reply.clientMsgId)}>
            Discard
          </button>
        </p>
      )}
    </li>
  );
}

function MessageLine({
  message,
  visitorName,
  state,
}: {
  message: Message;
  visitorName: string;
  state: MessageState | null;
}) {
  const time = (
    <time dateTime={message.createdAt} class="muted">
      {formatTime(message.createdAt)}
    </time>
  );
  if (message.kind === 'event') {
    return (
      <li class="message event">
        {eventText(message)} · {time}
      </li>
    );
  }
  const isNote = message.kind === 'note';
  return (
    <li class={`message ${isNote ? 'note' : message.author.type}`}>
      <div class="meta">
        {isNote && <NoteLabel />}
        <span class="author">{authorName(message, visitorName)}</span> {time}
        {state && (
          <>
            {' '}
            <StateMark state={state} />
          </>
        )}
      </div>
      {message.attachment ? (
        <FileLink attachment={message.attachment} />
      ) : (
        <MessageText text={message.text} />
      )}
    </li>
  );
}

/**
 * [P21] A file in the transcript: an image previewed, every file a download link with its size.
 * Same origin with the agent's session, so plain URLs; the server sends files as sandboxed
 * downloads, never as pages.
 */
function FileLink({ attachment }: { attachment: Attachment }) {
  const url = `${API_PREFIX}/attachments/${encodeURIComponent(attachment.id)}`;
  const size =
    attachment.size >= 1_000_000
      ? `${(attachment.size / 1_000_000).toFixed(1)} MB`
      : `${Math.max(1, Math.round(attachment.size / 1000))} kB`;
  return (
    <div class="file">
      {attachment.type.startsWith('image/') && (
        <img class="file-preview" src={url} alt={attachment.name} loading="lazy" />
      )}
      <a href={url} download={attachment.name}>
        {attachment.name}
      </a>{' '}
      <span class="muted">({size})</span>
    </div>
  );
}
