import { z } from 'zod/mini';

/** Size limits of inbound fields, in characters. */
export const MAX_MESSAGE_TEXT_CHARS = 4000;
export const MAX_NAME_CHARS = 120;
export const MAX_EMAIL_CHARS = 254;
export const MAX_PASSWORD_CHARS = 256;
export const MAX_PAGE_SIZE = 200;

/** A server-issued id: 24 hex characters (a MongoDB ObjectId rendered as a string). */
export const Id = z.string().check(z.regex(/^[a-f0-9]{24}$/, 'expected a 24-character hex id'));
export type Id = z.infer<typeof Id>;

/** An id a client generates for a command so that retries are idempotent. */
export const ClientId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8-64 characters [A-Za-z0-9_-]'));
export type ClientId = z.infer<typeof ClientId>;

/** A public site key, as written in the widget snippet's `data-site`. */
export const SiteKey = z.string().check(z.regex(/^[A-Za-z0-9_-]{6,64}$/, 'expected a site key'));
export type SiteKey = z.infer<typeof SiteKey>;

/** An ISO-8601 timestamp; wire formats never carry Date objects. */
export const IsoDate = z.string().check(z.maxLength(40));

export const Seq = z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));

/** Message text: trimmed by the sender, never empty, bounded. */
export const MessageText = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_MESSAGE_TEXT_CHARS),
  z.refine((s) => s.trim().length > 0, 'empty text'),
);

export const AgentStatus = z.enum(['online', 'away', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatus>;

export const AgentRole = z.enum(['agent', 'supervisor', 'admin']);
export type AgentRole = z.infer<typeof AgentRole>;

/** `offline`: a message left while the team was away, waiting for an agent to reopen it. */
export const ConversationState = z.enum(['queued', 'assigned', 'closed', 'offline']);
export type ConversationState = z.infer<typeof ConversationState>;

export const AuthorType = z.enum(['visitor', 'agent', 'system']);
export type AuthorType = z.infer<typeof AuthorType>;

export const Author = z.strictObject({
  type: AuthorType,
  id: z.nullable(z.string()),
  name: z.nullable(z.string()),
});
export type Author = z.infer<typeof Author>;

/** What a conversation event message records. */
/** Why a conversation went back to the queue, or was closed without an agent. */
export const EventReason = z.enum(['agent-disconnected', 'no-first-reply', 'agent-away', 'inactivity']);
export type EventReason = z.infer<typeof EventReason>;

export const ConversationEvent = z.strictObject({
  type: z.enum(['queued', 'assigned', 'requeued', 'transferred', 'closed', 'offline', 'reopened']),
  /** The agent assigned, taken from, transferred to, or closing; null for the system or a department. */
  agentId: z.nullable(z.string()),
  agentName: z.nullable(z.string()),
  reason: z.nullable(EventReason),
});
export type ConversationEvent = z.infer<typeof ConversationEvent>;

/** One entry of a transcript: a text message or a conversation event, ordered by `seq`. */
/** [P21] What a chat accepts as a file: images the browser shows, and PDF. */
export const ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
] as const;
export const AttachmentType = z.enum(ATTACHMENT_TYPES);
export type AttachmentType = z.infer<typeof AttachmentType>;
/** The largest file, in bytes, and the longest file name kept, in characters. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENT_NAME_CHARS = 200;

/** A file sent in a conversation: fetched from `/api/v1/attachments/:id` by its participants. */
export const Attachment = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: AttachmentType,
  size: z.int(),
});
export type Attachment = z.infer<typeof Attachment>;

export const Message = z.strictObject({
  id: z.string(),
  conversationId: z.string(),
  /** Strictly increasing per conversation, starting at 1. */
  seq: Seq,
  /** `note`: an internal note, shown to agents only (never sent to the visitor). */
  kind: z.enum(['text', 'event', 'note']),
  author: Author,
  text: z.string(),
  event: z.nullable(ConversationEvent),
  /** The file this message carries [P21]; its text is the file's name. */
  attachment: z.nullable(Attachment),
  clientMsgId: z.nullable(z.string()),
  createdAt: IsoDate,
});
export type Message = z.infer<typeof Message>;

export const AgentRef = z.strictObject({ id: z.string(), name: z.string() });
export type AgentRef = z.infer<typeof AgentRef>;

/** A conversation as its visitor sees it. */
export const VisitorConversation = z.strictObject({
  id: z.string(),
  state: ConversationState,
  agent: z.nullable(AgentRef),
  lastSeq: Seq,
  createdAt: IsoDate,
  closedAt: z.nullable(IsoDate),
});
export type VisitorConversation = z.infer<typeof VisitorConversation>;

/** A conversation as agents see it in lists and the conversation view. */
export const ConversationSummary = z.strictObject({
  id: z.string(),
  siteId: z.string(),
  visitorId: z.string(),
  visitorName: z.string(),
  state: ConversationState,
  agent: z.nullable(AgentRef),
  lastSeq: Seq,
  lastMessageText: z.nullable(z.string()),
  createdAt: IsoDate,
  queuedAt: z.nullable(IsoDate),
  assignedAt: z.nullable(IsoDate),
  closedAt: z.nullable(IsoDate),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const AgentProfile = z.strictObject({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: AgentRole,
  status: AgentStatus,
  capacity: z.int(),
});
export type AgentProfile = z.infer<typeof AgentProfile>;

/** Who is typing in a conversation; sent to the other side only. */
export const TypingChanged = z.strictObject({
  conversationId: z.string(),
  isTyping: z.boolean(),
  name: z.nullable(z.string()),
});
export type TypingChanged = z.infer<typeof TypingChanged>;

export const SendMessageInput = z.strictObject({
  conversationId: Id,
  clientMsgId: ClientId,
  text: MessageText,
  /** A file this side uploaded to the conversation, sent with this message [P21]. */
  attachmentId: z.optional(Id),
});
export type SendMessageInput = z.infer<typeof SendMessageInput>;

export const SetTypingInput = z.strictObject({ conversationId: Id, isTyping: z.boolean() });
export type SetTypingInput = z.infer<typeof SetTypingInput>;

/** A waiting visitor's place in the queue (1 is next) and the estimated wait. */
export const QueuePosition = z.strictObject({
  conversationId: z.string(),
  position: z.int().check(z.gte(1)),
  /** Null until the queue has a history to estimate from. */
  etaSeconds: z.nullable(z.int().check(z.gte(0))),
});
export type QueuePosition = z.infer<typeof QueuePosition>;

/** Which side of a conversation a receipt speaks for. */
export const ReceiptSide = z.enum(['visitor', 'agent']);
export type ReceiptSide = z.infer<typeof ReceiptSide>;

/**
 * How far one side's clients have got in a conversation: every message up to `deliveredSeq` has
 * reached one of them, every message up to `readSeq` was shown to a person. Both only grow.
 */
export const Receipt = z.strictObject({
  conversationId: z.string(),
  side: ReceiptSide,
  deliveredSeq: Seq,
  readSeq: Seq,
});
export type Receipt = z.infer<typeof Receipt>;

/** A client's report of what it has received and shown; the server keeps the maximum. */
export const SetReceiptInput = z.strictObject({ conversationId: Id, deliveredSeq: Seq, readSeq: Seq });
export type SetReceiptInput = z.infer<typeof SetReceiptInput>;

/** Longest comment a visitor may add to a rating. */
export const MAX_RATING_COMMENT_CHARS = 1000;

/** 1 (poor) to 5 (excellent). */
export const RatingScore = z.int().check(z.gte(1), z.lte(5));

/** The visitor's rating of a conversation; the first one stands [P17]. */
export const Rating = z.strictObject({
  conversationId: z.string(),
  score: RatingScore,
  comment: z.nullable(z.string()),
  ratedAt: IsoDate,
});
export type Rating = z.infer<typeof Rating>;

/** A page of messages after `afterSeq`; `hasMore` tells the client to ask again. */
export const MessagePage = z.strictObject({
  messages: z.array(Message),
  hasMore: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePage>;

/** Size limits of a page the visitor views, in characters. */
export const MAX_PAGE_URL_CHARS = 2048;
export const MAX_PAGE_TITLE_CHARS = 300;

/** A page the visitor viewed on the site, as the agents see it [P18]. */
export const PageView = z.strictObject({ url: z.string(), title: z.string(), viewedAt: IsoDate });
export type PageView = z.infer<typeof PageView>;

/**
 * A visitor's identity from the site's backend: a JWT (HS256) signed with the site's identity
 * secret, with `sub` (the site's user id), `exp`, and optionally `name` and `email` [P19].
 */
export const IdentityToken = z
  .string()
  .check(z.maxLength(4096), z.regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'expected a JWT (header.payload.signature)'));

/** Most attributes a visitor carries, and the limits of each (`Hovor('setAttributes')`) [P19]. */
export const MAX_ATTRIBUTES = 20;
export const MAX_ATTRIBUTE_VALUE_CHARS = 200;
export const AttributeKey = z
  .string()
  .check(z.regex(/^[A-Za-z][\w.-]{0,39}$/, 'expected a key of 1-40 letters, digits, _ . -'));
export const AttributeValue = z.union([
  z.string().check(z.maxLength(MAX_ATTRIBUTE_VALUE_CHARS)),
  z.number().check(z.refine(Number.isFinite, 'expected a finite number')),
  z.boolean(),
  z.null(),
]);
/** Flat facts about the visitor for the agents (`plan: 'pro'`); null removes a key. */
export const VisitorAttributes = z
  .record(AttributeKey, AttributeValue)
  .check(z.refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`));
export type VisitorAttributes = z.infer<typeof VisitorAttributes>;
