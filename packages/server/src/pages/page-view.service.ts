import type { PageView, PageViewInput } from '@hovor/protocol';
import type { Conversation } from '../conversations/conversation.repository.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { Visitor } from '../visitors/visitor.repository.js';
import { type PageViewRepository, toPageView } from './page-view.repository.js';

/** How long before its start a visitor's pages belong to a conversation: the visit that led to it. */
export const VISIT_BEFORE_CONVERSATION_MS = 30 * 60_000;
/** The most pages a conversation shows. */
export const MAX_CONVERSATION_PAGES = 50;

/** [P18] The pages a visitor views, kept apart from conversations and read by their time. */
export function createPageViewService(deps: {
  pageViews: PageViewRepository;
  /** Whether the site keeps pages' query strings and fragments (they may carry personal data) [P18]. */
  keepsFullUrls: (siteId: string) => Promise<boolean>;
  /** The visitor's open conversation, if any, to announce the page to its agents. */
  openConversation: (visitor: Visitor) => Promise<Conversation | null>;
  notifier: Notifier;
  clock: Clock;
}) {
  return {
    /** Records the page unless it is the visitor's last one (a reconnect sends it again). */
    async record(visitor: Visitor, input: PageViewInput): Promise<null> {
      const url = (await deps.keepsFullUrls(visitor.siteId)) ? input.url : withoutQuery(input.url);
      const last = await deps.pageViews.latest(visitor.id);
      if (last?.url === url && last.title === input.title) return null;
      const doc = await deps.pageViews.insert({
        siteId: visitor.siteId,
        visitorId: visitor.id,
        url,
        title: input.title,
        viewedAt: deps.clock.now(),
      });
      const conversation = await deps.openConversation(visitor);
      if (conversation && conversation.state !== 'closed') {
        deps.notifier.pageViewed(conversation, toPageView(doc));
      }
      return null;
    },

    /** [P19] The visit around `conversation` moves with it from an anonymous visitor to the signed-in user. */
    async moveVisit(conversation: Conversation, fromVisitorId: string): Promise<void> {
      const from = new Date(conversation.createdAt.getTime() - VISIT_BEFORE_CONVERSATION_MS);
      await deps.pageViews.moveSince(fromVisitorId, conversation.visitorId, from);
    },

    /** The visit around `conversation`: from shortly before it started until it closed. */
    async ofConversation(conversation: Conversation): Promise<PageView[]> {
      const from = new Date(conversation.createdAt.getTime() - VISIT_BEFORE_CONVERSATION_MS);
      const docs = await deps.pageViews.between(
        conversation.visitorId,
        from,
        conversation.closedAt,
        MAX_CONVERSATION_PAGES,
      );
      return docs.map(toPageView);
    },
  };
}
export type PageViewService = ReturnType<typeof createPageViewService>;

/**
 * [P18] A page's address without its query and fragment: tokens, e-mails and order numbers often
 * travel there, and agents need the page, not them.
 */
export function withoutQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
