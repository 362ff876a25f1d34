import { MAX_MESSAGE_TEXT_CHARS } from '@hovor/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useServices } from './chat-context.js';

export function Composer() {
  const { client, host, i18n } = useServices();
  const { t } = i18n;
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);

  // Opening the chat puts the focus here, also when it opened before this box was drawn.
  useEffect(() => {
    if (host.isOpen) input.current?.focus();
    return host.onOpened(() => input.current?.focus());
  }, [host]);

  const submit = () => {
    if (!text.trim()) return;
    client.send(text);
    setText('');
  };

  return (
    <form
      class="hv-composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={input}
        class="hv-input"
        aria-label={t.message}
        placeholder={t.placeholder}
        rows={2}
        maxLength={MAX_MESSAGE_TEXT_CHARS}
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          client.noteTyping();
        }}
        onKeyDown={(e) => {
          // Enter sends, Shift+Enter breaks the line; an IME composition keeps its Enter.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" class="hv-send" disabled={!text.trim()}>
        {t.send}
      </button>
    </form>
  );
}
