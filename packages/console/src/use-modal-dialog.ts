import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * Opens a `<dialog>` as modal while the component is mounted: the browser moves focus into it,
 * keeps it there and turns Escape into a `cancel` event (the dialog's `onCancel` closes it). On
 * unmount it closes first, so the page is no longer inert, then gives the focus back to
 * `returnFocusTo` (the opener, or what stands for it once the opener is gone).
 */
export function useModalDialog(returnFocusTo: RefObject<HTMLElement>): RefObject<HTMLDialogElement> {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => {
      if (element?.open) element.close();
      if (returnFocusTo.current?.isConnected) returnFocusTo.current.focus();
    };
  }, [returnFocusTo]);
  return dialog;
}
