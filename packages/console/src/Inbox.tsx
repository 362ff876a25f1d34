import { type ConversationSummary, Inbox as InboxName } from '@hovor/protocol';
import { useEffect, useState } from 'preact/hooks';
import { useConsoleState } from './console-context';
import { formatWait, WAIT_TICK_MS } from './wait-time';

const TAB_LABEL = { queue: 'Queue', mine: 'Mine', closed: 'Closed', offline: 'Offline messages' } as const;
const EMPTY_TEXT = {
  queue: 'No visitor is waiting.',
  mine: 'No conversation is assigned to you.',
  closed: 'No closed conversation yet.',
  offline: 'No message left while you were away.',
} as const;

/** The current time, redrawn every `WAIT_TICK_MS` while `isTicking`: one timer for the whole list. */
function useNow(isTicking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!isTicking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), WAIT_TICK_MS);
    return () => clearInterval(timer);
  }, [isTicking]);
  return now;
}

/** A waiting visitor: how long they have waited, and the button to take the chat. */
function QueueActions({ summary, now }: { summary: ConversationSummary; now: number }) {
  const state = useConsoleState();
  const since = summary.queuedAt ?? summary.createdAt;
  return (
    <div class="queue-actions">
      <time class="wait muted" dateTime={since}>
        waiting {formatWait(since, now)}
      </time>
      <button
        type="button"
        class="primary take"
        aria-label={`Take conversation with ${summary.visitorName}`}
        disabled={state.takingId.value !== null}
        onClick={() => void state.takeConversation(summary.id)}
      >
        Take
      </button>
    </div>
  );
}

/** A message left while the team was away [RT18]: Reply reopens it as the agent's conversation. */
function OfflineActions({ summary }: { summary: ConversationSummary }) {
  const state = useConsoleState();
  return (
    <div class="queue-actions">
      <button
        type="button"
        class="primary take"
        aria-label={`Reply to ${summary.visitorName}`}
        disabled={state.takingId.value !== null}
        onClick={() => void state.reopenConversation(summary.id)}
      >
        Reply
      </button>
    </div>
  );
}

/** The lists of conversations, as tabs. */
export function Inbox() {
  const state = useConsoleState();
  const box = state.box.value;
  const lists = state.lists.value;
  const boxes = InboxName.options;
  const isQueueShown = box === 'queue' && lists.queue.length > 0;
  const now = useNow(isQueueShown);

  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = boxes[(boxes.indexOf(box) + step + boxes.length) % boxes.length];
    if (!next) return;
    state.selectBox(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  return (
    <nav class="inbox" aria-label="Conversations">
      <div role="tablist" aria-label="Inbox" class="tabs" onKeyDown={onKeyDown}>
        {boxes.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`tab-${name}`}
            aria-selected={name === box}
            aria-controls="inbox-panel"
            tabIndex={name === box ? 0 : -1}
            onClick={() => state.selectBox(name)}
          >
            {/* The count is part of the name, as it is of what sighted agents read (WCAG 2.5.3). */}
            {TAB_LABEL[name]} <span class="count">{lists[name].length}</span>
          </button>
        ))}
      </div>
      <div role="tabpanel" id="inbox-panel" aria-labelledby={`tab-${box}`} class="list">
        {lists[box].length === 0 ? (
          <p class="muted empty">{EMPTY_TEXT[box]}</p>
        ) : (
          <ul>
            {lists[box].map((summary) => (
              <li key={summary.id} class={box === 'queue' || box === 'offline' ? 'queued' : undefined}>
                <button
                  type="button"
                  class="conversation-item"
                  aria-current={summary.id === state.currentId.value ? 'true' : undefined}
                  onClick={() => state.openConversation(summary.id)}
                >
                  <span class="visitor-name">{summary.visitorName}</span>
                  <span class="preview">{summary.lastMessageText ?? 'No messages yet'}</span>
                </button>
                {box === 'queue' && <QueueActions summary={summary} now={now} />}
                {box === 'offline' && <OfflineActions summary={summary} />}
              </li>
            ))}
          </ul>
        )}
      </div>
    </nav>
  );
}
