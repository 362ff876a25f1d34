import { MAX_BLOCK_REASON_CHARS } from '@hovor/protocol';
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fill } from '../account/account-texts';
import { useConsoleState } from '../console-context';
import { toConsoleError } from '../console-error';
import { useModalDialog } from '../use-modal-dialog';
import { checkReason } from './block-form';
import { BLOCK_TEXTS as T } from './block-texts';
import './blocks.css';

const REASON_ID = 'block-reason';

/**
 * [P26] Asks for the reason before blocking the open conversation's visitor; the reason is checked
 * here first, then by the server, whose refusal shows in an alert. Cancel gives the focus back to
 * `returnFocusTo`; after the block, `onBlocked` decides where it goes.
 */
export function BlockVisitorDialog({
  visitorName,
  onClose,
  onBlocked,
  returnFocusTo,
}: {
  visitorName: string;
  onClose: () => void;
  onBlocked: () => void;
  returnFocusTo: RefObject<HTMLElement>;
}) {
  const state = useConsoleState();
  const dialog = useModalDialog(returnFocusTo);
  const input = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  /** The reason's error shows once the agent has tried to block, then follows the typing. */
  const [isChecked, setIsChecked] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [isSending, setIsSending] = useState(false);
  const isMounted = useRef(true);
  useEffect(
    () => () => {
      isMounted.current = false;
    },
    [],
  );

  const checked = checkReason(text);
  const error = isChecked ? checked.error : null;

  const submit = async () => {
    setIsChecked(true);
    setServerError(null);
    if (checked.reason === null) {
      input.current?.focus();
      return;
    }
    setIsSending(true);
    try {
      await state.blockVisitor(checked.reason);
      if (isMounted.current) onBlocked();
    } catch (cause) {
      if (!isMounted.current) return;
      setServerError(toConsoleError(cause).message);
      setIsSending(false);
    }
  };

  const describedBy = [`${REASON_ID}-hint`, error && `${REASON_ID}-error`].filter(Boolean).join(' ');
  return (
    <dialog
      ref={dialog}
      class="block-dialog"
      aria-labelledby="block-title"
      aria-describedby="block-details"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="block-title">{fill(T.blockTitle, { name: visitorName })}</h2>
      <p id="block-details">{T.blockDetails}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div class="block-field">
          <label for={REASON_ID}>{T.reason}</label>
          <span id={`${REASON_ID}-hint`} class="muted">
            {fill(T.reasonHint, { n: MAX_BLOCK_REASON_CHARS })}
          </span>
          <textarea
            id={REASON_ID}
            ref={input}
            rows={3}
            required
            maxLength={MAX_BLOCK_REASON_CHARS}
            value={text}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={describedBy}
            onInput={(event) => setText(event.currentTarget.value)}
          />
          {error && (
            <span id={`${REASON_ID}-error`} class="field-error">
              {error}
            </span>
          )}
        </div>
        {serverError && (
          <p class="send-error" role="alert">
            {serverError}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {T.cancel}
          </button>
          <button type="submit" class="danger" disabled={isSending}>
            {T.blockVisitor}
          </button>
        </div>
      </form>
    </dialog>
  );
}
