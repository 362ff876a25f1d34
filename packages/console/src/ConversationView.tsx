import type { PageView, VisitorProfile } from '@hovor/protocol';
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fill } from './account/account-texts';
import { BlockVisitorDialog } from './blocks/BlockVisitorDialog';
import { BLOCK_TEXTS } from './blocks/block-texts';
import { Composer } from './Composer';
import { useConsoleState } from './console-context';
import { formatTime } from './format-time';
import { Transcript } from './Transcript';
import { TransferDialog } from './TransferDialog';

const STATE_TEXT = {
  queued: 'queued',
  assigned: 'assigned',
  closed: 'closed',
  offline: 'left message',
} as const;

/**
 * [P18] Where the visitor is (the last page) and where they went, oldest first. The server only
 * keeps http(s) addresses, so each is a link; titles and addresses are text.
 */
function VisitedPages({ pages }: { pages: readonly PageView[] }) {
  const last = pages[pages.length - 1]!;
  const link = (page: PageView) => (
    <a href={page.url} target="_blank" rel="noopener noreferrer nofollow" title={page.url}>
      {page.title || page.url}
    </a>
  );
  return (
    <div class="visited-pages">
      <p>On {link(last)}</p>
      <details>
        <summary>{pages.length === 1 ? '1 page' : `${pages.length} pages`} visited</summary>
        <ol aria-label="Pages visited">
          {pages.map((page) => (
            <li key={page.viewedAt + page.url}>
              <time dateTime={page.viewedAt}>{formatTime(page.viewedAt)}</time> {link(page)}
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}

/** Says whether the site vouched for a fact or only the visitor claims it [P19]. */
function Provenance({ isVerified }: { isVerified: boolean }) {
  return isVerified ? (
    <span class="verified">verified by the site</span>
  ) : (
    <span class="unverified">not verified</span>
  );
}

/**
 * [P19] Who the visitor is: the site's verified user id, the name and e-mail (each labelled as
 * verified by the site or only the visitor's word), the page's attributes, as text.
 */
function VisitorFacts({ visitor }: { visitor: VisitorProfile }) {
  const attributes = Object.entries(visitor.attributes);
  if (!visitor.userId && !visitor.email && attributes.length === 0) return null;
  return (
    <dl class="visitor-facts" aria-label="About the visitor">
      {visitor.userId && (
        <>
          <dt>User</dt>
          <dd>
            {visitor.userId} <Provenance isVerified />
          </dd>
          <dt>Name</dt>
          <dd>
            {visitor.name} <Provenance isVerified={visitor.isNameVerified} />
          </dd>
        </>
      )}
      {visitor.email && (
        <>
          <dt>E-mail</dt>
          <dd>
            {visitor.email} <Provenance isVerified={visitor.isEmailVerified} />
          </dd>
        </>
      )}
      {attributes.map(([key, value]) => (
        <Fragment key={key}>
          <dt>{key}</dt>
          <dd>{String(value)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** The open conversation: header, transcript and, unless closed, the reply box. */
export function ConversationView() {
  const state = useConsoleState();
  const summary = state.current.value;
  const me = state.me.value;
  const rating = state.rating.value;
  const pages = state.pages.value;
  const visitor = state.visitor.value;
  const block = state.block.value;
  const [isTransferOpen, setIsTransferOpen] = useState(false);
  const [isBlockOpen, setIsBlockOpen] = useState(false);
  const blockButton = useRef<HTMLButtonElement>(null);
  const blockedNotice = useRef<HTMLParagraphElement>(null);
  /** [P26] Set by this agent's block: the focus goes to the notice that replaces the button. */
  const [isNoticeFocusDue, setIsNoticeFocusDue] = useState(false);
  useEffect(() => {
    if (!isNoticeFocusDue || !blockedNotice.current) return;
    blockedNotice.current.focus();
    setIsNoticeFocusDue(false);
  }, [isNoticeFocusDue, block]);
  if (!state.currentId.value) {
    return (
      <section class="conversation placeholder">
        <p class="muted">Choose a conversation from the list.</p>
      </section>
    );
  }
  if (!summary) {
    return (
      <section class="conversation placeholder">
        <p class="muted">Loading conversation…</p>
      </section>
    );
  }
  const isClosed = summary.state === 'closed';
  const isMine = summary.state === 'assigned' && summary.agent?.id === me?.id;
  // A closed conversation has no one left to type.
  const typingName = isClosed ? null : state.typingName.value;
  return (
    <section class="conversation" aria-label={`Conversation with ${summary.visitorName}`}>
      <header class="conversation-header">
        <h2>
          {summary.visitorName} <span class={`state ${summary.state}`}>{STATE_TEXT[summary.state]}</span>
        </h2>
        {summary.agent && !isMine && <span class="muted">with {summary.agent.name}</span>}
        {rating && (
          <p class="rating">
            <span class="rating-stars" aria-hidden="true">
              {'★'.repeat(rating.score)}
              {'☆'.repeat(5 - rating.score)}
            </span>
            <span class="visually-hidden">Rated {rating.score} of 5 by the visitor</span>
            {rating.comment && <q>{rating.comment}</q>}
          </p>
        )}
        {(isMine || !block) && (
          <div class="conversation-actions">
            {isMine && (
              <>
                <button type="button" onClick={() => setIsTransferOpen(true)}>
                  Transfer
                </button>
                <button type="button" class="danger" onClick={() => void state.closeConversation()}>
                  Close conversation
                </button>
              </>
            )}
            {!block && (
              <button ref={blockButton} type="button" onClick={() => setIsBlockOpen(true)}>
                {BLOCK_TEXTS.blockVisitor}
              </button>
            )}
          </div>
        )}
      </header>
      {block && (
        <p ref={blockedNotice} class="blocked-notice" tabIndex={-1}>
          {fill(BLOCK_TEXTS.blockedNotice, {
            name: block.blockedBy.name,
            time: formatTime(block.blockedAt),
            reason: block.reason,
          })}
        </p>
      )}
      {isBlockOpen && !block && (
        <BlockVisitorDialog
          visitorName={summary.visitorName}
          returnFocusTo={blockButton}
          onClose={() => setIsBlockOpen(false)}
          onBlocked={() => {
            setIsBlockOpen(false);
            setIsNoticeFocusDue(true);
          }}
        />
      )}
      {visitor && <VisitorFacts visitor={visitor} />}
      {pages.length > 0 && <VisitedPages pages={pages} />}
      {isMine && isTransferOpen && <TransferDialog onClose={() => setIsTransferOpen(false)} />}
      <Transcript visitorName={summary.visitorName} />
      <p class="typing" aria-live="polite">
        {typingName ? `${typingName} is typing…` : ''}
      </p>
      {isClosed ? <p class="muted read-only">This conversation is closed.</p> : <Composer />}
    </section>
  );
}
