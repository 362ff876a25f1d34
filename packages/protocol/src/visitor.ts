import { z } from 'zod/mini';
import {
  ClientId,
  Id,
  IdentityToken,
  MAX_EMAIL_CHARS,
  MAX_NAME_CHARS,
  MAX_PAGE_TITLE_CHARS,
  MAX_PAGE_URL_CHARS,
  MAX_RATING_COMMENT_CHARS,
  Message,
  MessagePage,
  MessageText,
  QueuePosition,
  Rating,
  RatingScore,
  Receipt,
  SendMessageInput,
  Seq,
  SetReceiptInput,
  SetTypingInput,
  SiteKey,
  TypingChanged,
  VisitorAttributes,
  VisitorConversation,
} from './common.js';
import type { ClientToServerEvents, CommandMap, NotificationMap, ServerToClientEvents } from './events.js';

/** Socket.IO namespace of visitors (the widget's chat frame). */
export const VISITOR_NAMESPACE = '/visitor';

/** Maximum length of a visitor token (base64url of 32 random bytes is 43). */
export const MAX_VISITOR_TOKEN_CHARS = 128;

export const VisitorToken = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9_-]{32,128}$/, 'expected a visitor token'),
    z.maxLength(MAX_VISITOR_TOKEN_CHARS),
  );

/** An exact web origin, e.g. `https://shop.example`. */
export const Origin = z
  .string()
  .check(
    z.maxLength(255),
    z.regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'expected an origin like https://example.com'),
  );

/** `auth` of the visitor handshake. `hostOrigin` is the page the widget is embedded in. */
export const VisitorHandshake = z.strictObject({
  v: z.int(),
  siteKey: SiteKey,
  token: VisitorToken,
  hostOrigin: Origin,
  /** From `Hovor('identify', { token })`: who the site says the visitor is [P19]. */
  identity: z.optional(IdentityToken),
});
export type VisitorHandshake = z.infer<typeof VisitorHandshake>;

export const StartConversationInput = z.strictObject({
  requestId: ClientId,
  /** The pre-chat form's answers, when the site has the form [P20]. */
  about: z.optional(z.lazy(() => PreChatAnswers)),
  /** The department to talk to (pre-chat choice or `Hovor('setDepartment', id)`); the site's general queue when absent. */
  departmentId: z.optional(Id),
});
export type StartConversationInput = z.infer<typeof StartConversationInput>;

/**
 * What the widget offers now: `live` (an agent is free), `queue` (open, everyone busy: the visitor
 * waits), `offline` (outside business hours, or nobody available and the site says so: the
 * leave-a-message form), `hidden` (offline, and the site hides the widget then).
 */
export const Availability = z.strictObject({
  mode: z.enum(['live', 'queue', 'offline', 'hidden']),
  /** Shown above the offline form; the site's text. */
  offlineText: z.string(),
});
export type Availability = z.infer<typeof Availability>;

export const AvailabilityInput = z.strictObject({
  departmentId: z.optional(Id),
  /** The chat's language: the site's offline text in it, when the site has one. */
  locale: z.optional(z.string().check(z.regex(/^[a-z]{2}$/))),
});
export type AvailabilityInput = z.infer<typeof AvailabilityInput>;

export const MAX_OFFLINE_TEXT_CHARS = 4000;

/** A name a visitor gives (forms): trimmed by the sender, never empty, bounded. */
export const VisitorName = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_NAME_CHARS),
  z.refine((s) => s.trim().length > 0, 'empty name'),
);
/** An e-mail address a visitor gives. */
export const VisitorEmail = z
  .string()
  .check(z.maxLength(MAX_EMAIL_CHARS), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an e-mail address'));

/** The offline form: who to answer and what they asked. */
export const LeaveMessageInput = z.strictObject({
  requestId: ClientId,
  name: VisitorName,
  email: VisitorEmail,
  text: MessageText,
  departmentId: z.optional(Id),
});

/**
 * [P20] What the pre-chat form asked (the fields the site wants): given with the start of a
 * conversation; `consent` is true when the visitor ticked the site's consent text.
 */
export const PreChatAnswers = z.strictObject({
  name: z.optional(VisitorName),
  email: z.optional(VisitorEmail),
  consent: z.optional(z.literal(true)),
});
export type PreChatAnswers = z.infer<typeof PreChatAnswers>;
export type LeaveMessageInput = z.infer<typeof LeaveMessageInput>;

/** Rates a conversation an agent answered; `requestId` makes a retry return the stored rating. */
export const RateConversationInput = z.strictObject({
  conversationId: Id,
  requestId: ClientId,
  score: RatingScore,
  comment: z.optional(z.string().check(z.maxLength(MAX_RATING_COMMENT_CHARS))),
});
export type RateConversationInput = z.infer<typeof RateConversationInput>;

export const VisitorSyncInput = z.strictObject({
  /** Omitted: the visitor's open conversation, if any. */
  conversationId: z.optional(Id),
  afterSeq: Seq,
});
export type VisitorSyncInput = z.infer<typeof VisitorSyncInput>;

export const VisitorSyncResult = z.strictObject({
  conversation: z.nullable(VisitorConversation),
  ...MessagePage.shape,
  /** Both sides' receipts of the conversation (empty without one). */
  receipts: z.array(Receipt),
  /** The visitor's rating of the conversation, once given. */
  rating: z.nullable(Rating),
});
export type VisitorSyncResult = z.infer<typeof VisitorSyncResult>;

/** Commands a visitor may send, each acked. */
/** The page the visitor is on (also after a single-page app's navigation); http(s) only. */
export const PageViewInput = z.strictObject({
  url: z
    .string()
    .check(z.maxLength(MAX_PAGE_URL_CHARS), z.regex(/^https?:\/\/\S+$/, 'expected an http(s) URL')),
  title: z.string().check(z.maxLength(MAX_PAGE_TITLE_CHARS)),
});
export type PageViewInput = z.infer<typeof PageViewInput>;

export const VisitorCommands = {
  /** Starts a conversation, or returns the open one: idempotent. */
  'conversation:start': { input: StartConversationInput, output: VisitorConversation },
  /** Returns the conversation and the messages after `afterSeq` (a page). */
  'conversation:sync': { input: VisitorSyncInput, output: VisitorSyncResult },
  /** Appends a message; a repeated `clientMsgId` returns the stored message. */
  'message:send': { input: SendMessageInput, output: Message },
  'typing:set': { input: SetTypingInput, output: z.null() },
  /** Reports what this visitor's frame has received and shown; answers the stored receipt. */
  'receipt:set': { input: SetReceiptInput, output: Receipt },
  /** What the widget should offer now (live, queue, offline form, hidden). */
  'availability:get': { input: AvailabilityInput, output: Availability },
  /** Leaves a message for the team (the offline form); idempotent by `requestId`. */
  'offline:leave': { input: LeaveMessageInput, output: VisitorConversation },
  /** Rates the conversation (1–5, optional comment); the first rating stands [P17]. */
  'conversation:rate': { input: RateConversationInput, output: Rating },
  /** Merges the page's facts about the visitor (`Hovor('setAttributes')`); null removes one [P19]. */
  'visitor:attributes': { input: z.strictObject({ attributes: VisitorAttributes }), output: z.null() },
  /** Records the page the visitor is on; the same page twice in a row is recorded once [P18]. */
  'page:view': { input: PageViewInput, output: z.null() },
} as const satisfies CommandMap;
export type VisitorCommands = typeof VisitorCommands;

/** Notifications the server sends to visitors. */
export const VisitorNotifications = {
  'message:created': Message,
  'conversation:updated': VisitorConversation,
  'typing:changed': TypingChanged,
  /** Either side's receipt grew. */
  'receipt:updated': Receipt,
  /** The conversation was rated (from another tab of the visitor). */
  'conversation:rated': Rating,
  /** Sent to each waiting visitor whenever the queue changes. */
  'queue:position': QueuePosition,
} as const satisfies NotificationMap;
export type VisitorNotifications = typeof VisitorNotifications;

export type VisitorClientToServerEvents = ClientToServerEvents<VisitorCommands>;
export type VisitorServerToClientEvents = ServerToClientEvents<VisitorNotifications>;
