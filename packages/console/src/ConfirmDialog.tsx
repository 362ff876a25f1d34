import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { toConsoleError } from './console-error';
import { useModalDialog } from './use-modal-dialog';

/**
 * Asks before an action that cannot be taken back (signing out everywhere, lifting a block).
 * Cancel comes first and has the focus: the safe choice. The server's refusal shows in the dialog;
 * on success `onDone` runs (unless the action took the dialog away with it).
 */
export function ConfirmDialog({
  id,
  title,
  details,
  cancelLabel,
  confirmLabel,
  tone,
  class: className,
  onConfirm,
  onDone,
  onClose,
  returnFocusTo,
}: {
  /** Prefix of the title's and details' ids (unique on the page). */
  id: string;
  title: string;
  details: string;
  cancelLabel: string;
  confirmLabel: string;
  tone: 'danger' | 'primary';
  class: string;
  onConfirm: () => Promise<unknown>;
  onDone?: () => void;
  onClose: () => void;
  returnFocusTo: RefObject<HTMLElement>;
}) {
  const dialog = useModalDialog(returnFocusTo);
  const [error, setError] = useState<string | null>(null);
  const [isSending, setIsSending] = useState(false);
  const isMounted = useRef(true);
  useEffect(
    () => () => {
      isMounted.current = false;
    },
    [],
  );

  const confirm = async () => {
    setIsSending(true);
    setError(null);
    try {
      await onConfirm();
      if (isMounted.current) onDone?.();
    } catch (cause) {
      if (isMounted.current) setError(toConsoleError(cause).message);
    } finally {
      if (isMounted.current) setIsSending(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      role="alertdialog"
      class={className}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-details`}
      onCancel={(event) => {
        event.preventDefault();
        event.stopPropagation();
        onClose();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <p id={`${id}-details`}>{details}</p>
      {error && (
        <p class="send-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={onClose}>
          {cancelLabel}
        </button>
        <button type="button" class={tone} disabled={isSending} onClick={() => void confirm()}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
