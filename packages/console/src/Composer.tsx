import { MAX_MESSAGE_TEXT_CHARS } from '@hovor/protocol';
import { useState } from 'preact/hooks';
import { useConsoleState } from './console-context';

/** The reply box: Enter sends, Shift+Enter starts a new line. */
export function Composer() {
  const state = useConsoleState();
  const [text, setText] = useState('');

  const send = () => {
    if (state.sendMessage(text)) setText('');
  };

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
      <button type="submit" class="primary" disabled={text.trim().length === 0}>
        Send
      </button>
    </form>
  );
}
