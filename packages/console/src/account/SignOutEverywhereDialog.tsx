import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsoleState } from '../console-context';
import { toConsoleError } from '../console-error';
import { useModalDialog } from '../use-modal-dialog';
import { ACCOUNT_TEXTS as T } from './account-texts';

/**
 * [P25] Asks before ending every session of the agent, this one included; once the server has
 * done it the console shows the sign-in form. Cancel comes first and has the focus: the safe choice.
 */
export function SignOutEverywhereDialog({
  onClose,
  returnFocusTo,
}: {
  onClose: () => void;
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
      // On success the console leaves the workspace, and this dialog with it.
      await state.signOutEverywhere();
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
      class="account-dialog"
      aria-labelledby="sign-out-everywhere-title"
      aria-describedby="sign-out-everywhere-details"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="sign-out-everywhere-title">{T.signOutEverywhereQuestion}</h2>
      <p id="sign-out-everywhere-details">{T.signOutEverywhereDetails}</p>
      {error && (
        <p class="send-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={onClose}>
          {T.cancel}
        </button>
        <button type="button" class="danger" disabled={isSending} onClick={() => void confirm()}>
          {T.signOutEverywhere}
        </button>
      </div>
    </dialog>
  );
}
