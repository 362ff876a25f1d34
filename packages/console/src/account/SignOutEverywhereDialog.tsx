import type { RefObject } from 'preact';
import { ConfirmDialog } from '../ConfirmDialog';
import { useConsoleState } from '../console-context';
import { ACCOUNT_TEXTS as T } from './account-texts';

/**
 * [P25] Asks before ending every session of the agent, this one included; once the server has
 * done it the console shows the sign-in form (and this dialog goes with the workspace).
 */
export function SignOutEverywhereDialog({
  onClose,
  returnFocusTo,
}: {
  onClose: () => void;
  returnFocusTo: RefObject<HTMLElement>;
}) {
  const state = useConsoleState();
  return (
    <ConfirmDialog
      id="sign-out-everywhere"
      class="account-dialog"
      title={T.signOutEverywhereQuestion}
      details={T.signOutEverywhereDetails}
      cancelLabel={T.cancel}
      confirmLabel={T.signOutEverywhere}
      tone="danger"
      onConfirm={() => state.signOutEverywhere()}
      onClose={onClose}
      returnFocusTo={returnFocusTo}
    />
  );
}
