import type { Message } from '@hovor/protocol';
import { useEffect, useRef } from 'preact/hooks';
import { useConsoleState } from './console-context';
import { formatTime } from './format-time';
import { authorName, eventText } from './transcript';

/** The messages of the open conversation, then the replies still being sent. */
export function Transcript({ visitorName }: { visitorName: string }) {
  const state = useConsoleState();
  const messages = state.messages.value;
  const pending = state.pending.value;
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
          <MessageLine key={message.id} message={message} visitorName={visitorName} />
        ))}
        {pending.map((reply) => (
          <li key={reply.clientMsgId} class={`message pending ${reply.kind === 'note' ? 'note' : 'agent'}`}>
            <div class="meta">
              {reply.kind === 'note' && <NoteLabel />}
              <span class="author">{state.me.value?.name ?? 'You'}</span>{' '}
              <span class="muted">{reply.error ? 'Not sent' : 'Sending…'}</span>
            </div>
            <p class="text">{reply.text}</p>
            {reply.error && (
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
        ))}
      </ol>
    </div>
  );
}

/** Marks what the visitor never sees [P12]. */
function NoteLabel() {
  return <strong class="note-label">Internal note</strong>;
}

function MessageLine({ message, visitorName }: { message: Message; visitorName: string }) {
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
      </div>
      <p class="text">{message.text}</p>
    </li>
  );
}
