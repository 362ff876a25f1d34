import { Inbox as InboxName } from '@hovor/protocol';
import { useConsoleState } from './console-context';

const TAB_LABEL = { queue: 'Queue', mine: 'Mine', closed: 'Closed' } as const;
const EMPTY_TEXT = {
  queue: 'No visitor is waiting.',
  mine: 'No conversation is assigned to you.',
  closed: 'No closed conversation yet.',
} as const;

/** The three lists of conversations, as tabs. */
export function Inbox() {
  const state = useConsoleState();
  const box = state.box.value;
  const lists = state.lists.value;
  const boxes = InboxName.options;

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
            aria-label={TAB_LABEL[name]}
            aria-selected={name === box}
            aria-controls="inbox-panel"
            tabIndex={name === box ? 0 : -1}
            onClick={() => state.selectBox(name)}
          >
            {TAB_LABEL[name]}{' '}
            <span class="count" aria-hidden="true">
              {lists[name].length}
            </span>
          </button>
        ))}
      </div>
      <div role="tabpanel" id="inbox-panel" aria-labelledby={`tab-${box}`} class="list">
        {lists[box].length === 0 ? (
          <p class="muted empty">{EMPTY_TEXT[box]}</p>
        ) : (
          <ul>
            {lists[box].map((summary) => (
              <li key={summary.id}>
                <button
                  type="button"
                  class="conversation-item"
                  aria-current={summary.id === state.currentId.value ? 'true' : undefined}
                  onClick={() => state.openConversation(summary.id)}
                >
                  <span class="visitor-name">{summary.visitorName}</span>
                  <span class="preview">{summary.lastMessageText ?? 'No messages yet'}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </nav>
  );
}
