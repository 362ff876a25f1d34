import type { VisitorBlock } from '@hovor/protocol';
import type { RefObject } from 'preact';
import { fill } from '../account/account-texts';
import { ConfirmDialog } from '../ConfirmDialog';
import { useConsoleState } from '../console-context';
import { BLOCK_TEXTS as T } from './block-texts';

/**
 * [P26] Asks before lifting a block. The focus goes back to `returnFocusTo` either way (the caller
 * points it elsewhere once the row is gone).
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
  return (
    <ConfirmDialog
      id="unblock"
      class="block-dialog"
      title={fill(T.unblockTitle, { name: block.visitorName })}
      details={T.unblockDetails}
      cancelLabel={T.cancel}
      confirmLabel={T.unblock}
      tone="primary"
      onConfirm={() => state.unblockVisitor(block)}
      onDone={onUnblocked}
      onClose={onClose}
      returnFocusTo={returnFocusTo}
    />
  );
}
