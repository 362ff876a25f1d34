import type { VisitorBlock } from '@hovor/protocol';
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fill } from '../account/account-texts';
import { useConsoleState } from '../console-context';
import { toConsoleError } from '../console-error';
import { formatTime } from '../format-time';
import { useModalDialog } from '../use-modal-dialog';
import { mayHaveMore, withPage } from './block-form';
import { BLOCK_TEXTS as T } from './block-texts';
import { UnblockDialog } from './UnblockDialog';
import './blocks.css';

/**
 * [P26] The blocked visitors of the sites the supervisor or admin oversees, newest first, a page
 * at a time, each with its Unblock button (which asks first).
 */
function BlockedVisitorsDialog({
  onClose,
  returnFocusTo,
}: {
  onClose: () => void;
  returnFocusTo: RefObject<HTMLElement>;
}) {
  const state = useConsoleState();
  const dialog = useModalDialog(returnFocusTo);
  const heading = useRef<HTMLHeadingElement>(null);
  /** Where the focus goes when the confirmation closes: its row's button, or the heading once the row is gone. */
  const focusBack = useRef<HTMLElement | null>(null);
  const [items, setItems] = useState<VisitorBlock[]>([]);
  const [isLoading, setIsLoading] = useState(true);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [confirming, setConfirming] = useState<VisitorBlock | null>(null);
  const isMounted = useRef(true);
  useEffect(
    () => () => {
      isMounted.current = false;
    },
    [],
  );

  const load = async (shown: VisitorBlock[]) => {
    setIsLoading(true);
    setError(null);
    try {
      const page = await state.listBlocks(shown.at(-1)?.blockedAt);
      if (!isMounted.current) return;
      setItems(withPage(shown, page));
      setHasMore(mayHaveMore(page));
    } catch (cause) {
      if (isMounted.current) setError(toConsoleError(cause).message);
    } finally {
      if (isMounted.current) setIsLoading(false);
    }
  };

  // The first page, once, as the dialog opens.
  useEffect(() => {
    void load([]);
  }, []);

  return (
    <dialog
      ref={dialog}
      class="block-dialog blocks-list-dialog"
      aria-labelledby="blocks-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="blocks-title" ref={heading} tabIndex={-1}>
        {T.blockedVisitors}
      </h2>
      {/* In the page from the start, so screen readers announce what it says when it changes. */}
      <p role="status" class="blocks-status">
        {isLoading ? T.loading : notice}
      </p>
      {error && (
        <p class="send-error" role="alert">
          {error}
        </p>
      )}
      {!isLoading && !error && items.length === 0 && <p class="muted">{T.noneBlocked}</p>}
      {items.length > 0 && (
        <ul class="blocks-list" aria-labelledby="blocks-title">
          {items.map((block) => (
            <li key={block.id}>
              <div class="blocks-who">
                <strong>{block.visitorName}</strong>
                {block.userId && <span class="muted"> ({fill(T.verifiedUser, { name: block.userId })})</span>}
              </div>
              <div class="muted">
                {fill(T.blockedBy, { name: block.blockedBy.name, time: formatTime(block.blockedAt) })}
              </div>
              <p class="blocks-reason">{block.reason}</p>
              <button
                type="button"
                aria-label={fill(T.unblockVisitor, { name: block.visitorName })}
                onClick={(event) => {
                  focusBack.current = event.currentTarget;
                  setConfirming(block);
                }}
              >
                {T.unblock}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="dialog-actions">
        {hasMore && (
          <button type="button" disabled={isLoading} onClick={() => void load(items)}>
            {T.showMore}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {T.close}
        </button>
      </div>
      {confirming && (
        <UnblockDialog
          block={confirming}
          returnFocusTo={focusBack}
          onClose={() => setConfirming(null)}
          onUnblocked={() => {
            focusBack.current = heading.current;
            setItems((shown) => shown.filter((b) => b.id !== confirming.id));
            setNotice(fill(T.unblocked, { name: confirming.visitorName }));
            setConfirming(null);
          }}
        />
      )}
    </dialog>
  );
}

/** [P26] The top bar's way to the blocked visitors, for supervisors and admins. */
export function BlockedVisitorsButton() {
  const button = useRef<HTMLButtonElement>(null);
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <button ref={button} type="button" onClick={() => setIsOpen(true)}>
        {T.blockedVisitors}
      </button>
      {isOpen && <BlockedVisitorsDialog returnFocusTo={button} onClose={() => setIsOpen(false)} />}
    </>
  );
}
