import { ATTACHMENT_TYPES, MAX_MESSAGE_TEXT_CHARS, MAX_NOTE_CHARS } from '@hovor/protocol';
import { useRef, useState } from 'preact/hooks';
import { useConsoleState } from './console-context';

/** The reply box: Enter sends, Shift+Enter starts a new line; Add note keeps the text among agents. */
export function Composer() {
  const state = useConsoleState();
  const [text, setText] = useState('');
  const picker = useRef<HTMLInputElement>(null);

  const send = () => {
    if (state.sendMessage(text)) setText('');
  };
  const isEmpty = text.trim().length === 0;

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <textarea
        aria-label="Reply"
        rows={3}
        maxLength={MAX_MESSAGE_TEXT_CHARS}
        placeholder="Write a reply…"
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          state.noteTyping();
        }}
        onBlur={state.stopTyping}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <div class="composer-actions">
        <input
          ref={picker}
          type="file"
          hidden
          accept={ATTACHMENT_TYPES.join(',')}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (file) void state.sendFile(file);
          }}
        />
        <button type="button" onClick={() => picker.current?.click()}>
          Attach file
        </button>
        <button type="submit" class="primary" disabled={isEmpty}>
          Send
        </button>
        <button
          type="button"
          class="note-button"
          title="Only agents see internal notes"
          disabled={isEmpty || text.trim().length > MAX_NOTE_CHARS}
          onClick={() => {
            if (state.addNote(text)) setText('');
          }}
        >
          Add note
        </button>
      </div>
    </form>
  );
}
