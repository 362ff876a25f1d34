import { ATTACHMENT_TYPES, MAX_MESSAGE_TEXT_CHARS } from '@hovor/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useChatSnapshot, useServices } from './chat-context.js';

type Picker = typeof import('./EmojiPicker.js')['EmojiPicker'];
/** The emoji grid is fetched the first time it is opened; most chats never open it. */
let loadPicker: Promise<Picker> | undefined;

export function Composer() {
  const { client, host, i18n } = useServices();
  const { t } = i18n;
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const { fileError } = useChatSnapshot();
  const [Picker, setPicker] = useState<Picker | null>(null);
  const [isPicking, setIsPicking] = useState(false);

  const openPicker = () => {
    setIsPicking(true);
    loadPicker ??= import('./EmojiPicker.js').then((m) => m.EmojiPicker);
    loadPicker.then(
      (component) => setPicker(() => component),
      () => {
        loadPicker = undefined;
        setIsPicking(false);
      },
    );
  };
  const closePicker = () => {
    setIsPicking(false);
    toggle.current?.focus();
  };
  /** Puts `emoji` where the caret was, and the caret after it. */
  const insert = (emoji: string) => {
    const box = input.current;
    const start = box?.selectionStart ?? text.length;
    const end = box?.selectionEnd ?? text.length;
    const next = (text.slice(0, start) + emoji + text.slice(end)).slice(0, MAX_MESSAGE_TEXT_CHARS);
    setText(next);
    setIsPicking(false);
    requestAnimationFrame(() => {
      box?.focus();
      box?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

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
      <input
        ref={picker}
        type="file"
        hidden
        accept={ATTACHMENT_TYPES.join(',')}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void client.sendFile(file);
        }}
      />
      <button
        type="button"
        class="hv-emoji-toggle"
        aria-label={t.attach}
        onClick={() => picker.current?.click()}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z" />
        </svg>
      </button>
      <button
        ref={toggle}
        type="button"
        class="hv-emoji-toggle"
        aria-label={t.emoji}
        aria-expanded={isPicking}
        aria-controls={isPicking ? 'hv-emoji' : undefined}
        onClick={() => (isPicking ? closePicker() : openPicker())}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zM8.5 11a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5c2.3 0 4.3-1.4 5.1-3.5H6.9c.8 2.1 2.8 3.5 5.1 3.5z" />
        </svg>
      </button>
      {isPicking && Picker && <Picker onPick={insert} onClose={closePicker} />}
      {fileError && (
        <p class="hv-failed hv-file-error" role="alert">
          {t[fileError]}
        </p>
      )}
      <button type="submit" class="hv-send" disabled={!text.trim()}>
        {t.send}
      </button>
    </form>
  );
}
