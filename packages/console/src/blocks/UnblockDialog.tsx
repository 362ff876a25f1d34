import type { VisitorBlock } from '@hovor/protocol';
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fill } from '../account/account-texts';
import { useConsoleState } from '../console-context';
import { toConsoleError } from '../console-error';
import { useModalDialog } from '../use-modal-dialog';
import { BLOCK_TEXTS as T } from './block-texts';

/**
 * [P26] Asks before lifting a block. Cancel comes first and has the focus: the safe choice. The
 * focus goes back to `returnFocusTo` either way (the caller points it elsewhere once the row is gone).
 */
export function UnblockDialog({
  block,
  onClose,
  onUnblocked,
  returnFocusTo,
}: {
  block: VisitorBlock;
  onClose: () => void;
  onUnblocked: () => void;
  returnFocusTo: RefObject<HTMLElement>;
}) {
  const state = useConsoleState();
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
      await state.unblockVisitor(block);
      if (isMounted.current) onUnblocked();
    } catch (cause) {
      if (!isMounted.current) return;
      setError(toConsoleError(cause).message);
      setIsSending(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      role="alertdialog"
      class="block-dialog"
      aria-labelledby="unblock-title"
      aria-describedby="unblock-details"
      onCancel={(event) => {
        event.preventDefault();
        event.stopPropagation();
        onClose();
      }}
    >
      <h2 id="unblock-title">{fill(T.unblockTitle, { name: block.visitorName })}</h2>
      <p id="unblock-details">{T.unblockDetails}</p>
      {error && (
        <p class="send-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={onClose}>
          {T.cancel}
        </button>
        <button type="button" class="primary" disabled={isSending} onClick={() => void confirm()}>
          {T.unblock}
        </button>
      </div>
    </dialog>
  );
}
