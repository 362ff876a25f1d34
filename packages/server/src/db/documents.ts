/** The shape of every stored document, by collection (`collections.ts` names the collections). */
import type {
  AgentRole,
  AgentStatus,
  Attachment,
  AttachmentType,
  Author,
  ConversationEvent,
  ConversationState,
} from '@hovor/protocol';
import type { Binary } from 'mongodb';
import type { BusinessHours } from '../sites/business-hours.js';
import type { RoutingSettings } from '../sites/routing-settings.js';

/** Texts a site sets, in one language. */
export interface SiteTexts {
  greeting?: string;
  offlineText?: string;
  launcherText?: string;
  /** The pre-chat form's consent text [P20]. */
  consent?: string;
}

/** What a site's pre-chat form asks [P20]. */
export interface PreChatSettings {
  name: 'off' | 'optional' | 'required';
  email: 'off' | 'optional' | 'required';
  /** Whether the visitor chooses one of the site's departments (when it has some). */
  department: boolean;
  /** The text the visitor must tick; null: none. */
  consent: string | null;
}

/** Stored document shapes. Ids are strings (hex ObjectIds) so they cross the wire unchanged. */
export interface SiteDoc {
  _id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  color: string;
  greeting: string;
  /** The chat's language on this site (e.g. `cs`); missing: the visitor's browser decides. */
  locale?: string | null;
  /** The site's own texts in other languages, by language code (e.g. `cs`). */
  texts?: Record<string, SiteTexts>;
  /** Light, dark, or `auto` (the visitor's system); missing: light. */
  theme?: 'light' | 'dark' | 'auto';
  /** The corner of the launcher; missing: right. */
  position?: 'left' | 'right';
  /** Words beside the launcher's icon; missing or empty: the icon alone. */
  launcherText?: string;
  /** A chime for an agent message the visitor is not looking at; missing: on. */
  sound?: boolean;
  /** The pre-chat form [P20]; missing: none. */
  preChat?: PreChatSettings | null;
  /** The key the site's backend signs identity tokens with (HS256); missing: no identities [P19]. */
  identitySecret?: string | null;
  /** Keep pages' query strings and fragments (off: they are cut before storing) [P18]. */
  keepsFullPageUrls?: boolean;
  /** The `aud` and `iss` identity tokens must carry, when set [P19]. */
  identityAudience?: string | null;
  identityIssuer?: string | null;
  /** Only the settings that differ from the defaults. */
  routing?: Partial<RoutingSettings>;
  createdAt: Date;
}

export interface AgentDoc {
  _id: string;
  email: string;
  name: string;
  passwordHash: string;
  role: AgentRole;
  siteIds: string[];
  /** Departments the agent answers for (missing in older documents: none). */
  departmentIds?: string[];
  status: AgentStatus;
  /** Per-agent override of the default capacity; null uses the default. */
  capacity: number | null;
  createdAt: Date;
  /** Set when the agent may no longer sign in; their sessions and sockets end with it. */
  deactivatedAt?: Date | null;
}

/**
 * Routing's own record of an agent, apart from the agent document: on the embedded database an
 * update replaces the whole document, so two writers of one document can undo each other.
 */
export interface AgentRoutingDoc {
  _id: string;
  lastAssignedAt: Date;
}

/** When an agent last used the console; written by the agent's own connections only. */
export interface AgentActivityDoc {
  _id: string;
  lastActivityAt: Date;
}

/** A team of agents with its own queue, strategy and fallback. */
export interface DepartmentDoc {
  _id: string;
  siteId: string;
  name: string;
  /** Null: the site's strategy. */
  strategy: RoutingSettings['strategy'] | null;
  /** Where chats go when nobody here is eligible. */
  fallbackDepartmentId: string | null;
  /** The department's own hours; missing or null: the site's. */
  businessHours?: BusinessHours | null;
  createdAt: Date;
}

/** What the audit log says of each security event (sign-ins, sign-outs, roles, blocks). */
export const AUDIT_ACTIONS = [
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.signed_out',
  'auth.signed_out_everywhere',
  'auth.password_changed',
  'agent.role_changed',
  'agent.sites_changed',
  'agent.deactivated',
  'agent.reactivated',
  'visitor.blocked',
  'visitor.unblocked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One security event; written once, never changed. */
export interface AuditDoc {
  _id: string;
  at: Date;
  action: AuditAction;
  /** Who did it: an agent's id, or null for an anonymous request (a failed sign-in). */
  actorId: string | null;
  /** The site it concerns, when it concerns one. */
  siteId: string | null;
  /** What it was done to (an agent's or a visitor's id), when not the actor. */
  targetId: string | null;
  /** The client's address as the server sees it (TRUST_PROXY decides whose). */
  ip: string | null;
  /** Facts of the event: flat, never a password or token. */
  details: Record<string, string | number | boolean | null>;
}

export interface SessionDoc {
  /** SHA-256 of the cookie token: a stolen database does not yield live sessions. */
  _id: string;
  agentId: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface VisitorDoc {
  _id: string;
  siteId: string;
  tokenHash: string;
  name: string;
  /** Given in the offline form or by the site's identity token; where a reply can reach them. */
  email?: string | null;
  /** The site's user id, once the site verified who the visitor is [P19]. */
  userId?: string | null;
  /** The name and e-mail the site's identity token last gave; `name`/`email` are verified while equal. */
  identityName?: string | null;
  identityEmail?: string | null;
  createdAt: Date;
  /** When the token was last used; it expires a while after that [P24]. Absent: `createdAt`. */
  lastSeenAt?: Date;
}

/** Claim: a site's user is one visitor on every device. `_id = siteId:userId` [P19]. */
export interface VisitorIdentityDoc {
  _id: string;
  visitorId: string;
  createdAt: Date;
}

/** The page's facts about a visitor, apart from the visitor's document (one writer each) [P19]. */
/** A page's fact about a visitor, stored as a pair: its key may hold a `.`, which no stored key may. */
export interface VisitorAttributeEntry {
  key: string;
  value: string | number | boolean;
}

export interface VisitorAttributesDoc {
  _id: string;
  entries?: VisitorAttributeEntry[];
  /** How attributes were stored before keys with a `.` were allowed to be stored; read, never written. */
  attributes?: Record<string, string | number | boolean>;
  updatedAt: Date;
}

/** Claim: a visitor's request (e.g. a left message) is carried out once. `_id = visitorId:requestId`. */
export interface RequestClaimDoc {
  _id: string;
  conversationId: string;
  createdAt: Date;
}

export interface ConversationDoc {
  _id: string;
  siteId: string;
  visitorId: string;
  visitorName: string;
  /** Null: the site's general queue, answered by any of its agents. */
  departmentId: string | null;
  state: ConversationState;
  agentId: string | null;
  agentName: string | null;
  /** Assignment round; the claim `conversationId:round` decides its owner. */
  round: number;
  /** Higher goes first in the queue. */
  priority: number;
  /** Agents the conversation was taken from; offered to them only when nobody else is eligible. */
  excludedAgentIds: string[];
  /** Queue position when the conversation was queued, for the wait estimate. */
  entryPosition: number;
  createdAt: Date;
  queuedAt: Date | null;
  assignedAt: Date | null;
  closedAt: Date | null;
  /** When the visitor ticked the site's consent text in the pre-chat form [P20]. */
  consentAt?: Date | null;
}

/**
 * What the messages change about a conversation, kept apart from its state so that appends
 * never overwrite an assignment or a close (see AgentRoutingDoc). A cache: messages are the truth.
 */
export interface ConversationActivityDoc {
  _id: string;
  lastSeq: number;
  lastMessageText: string | null;
  lastMessageAt: Date | null;
}

export interface MessageDoc {
  _id: string;
  conversationId: string;
  seq: number;
  kind: 'text' | 'event' | 'note';
  author: Author;
  text: string;
  event: ConversationEvent | null;
  /** The file the message carries [P21]. */
  attachment?: Attachment | null;
  /** Always set (events get a deterministic one), so the unique index also works on MongoDB. */
  clientMsgId: string;
  createdAt: Date;
}

/**
 * How far one side's clients have received (`deliveredSeq`) and shown (`readSeq`) a
 * conversation. `_id = conversationId:side`; both numbers only grow.
 */
export interface ReceiptDoc {
  _id: string;
  conversationId: string;
  side: 'visitor' | 'agent';
  deliveredSeq: number;
  readSeq: number;
  updatedAt: Date;
}

/**
 * Claim: the visitor's rating of a conversation, `_id = conversationId`. The first stands; its
 * `requestId` lets a retry find it [P17].
 */
export interface RatingDoc {
  _id: string;
  siteId: string;
  /** The agent who had the conversation when it was rated. */
  agentId: string | null;
  requestId: string;
  score: number;
  comment: string | null;
  ratedAt: Date;
}

/** A file uploaded to a conversation [P21]; insert-only, the bytes in the document. */
export interface AttachmentDoc {
  _id: string;
  conversationId: string;
  siteId: string;
  /** Who uploaded it: only they can send it in a message. */
  uploader: { type: 'visitor' | 'agent'; id: string };
  name: string;
  type: AttachmentType;
  size: number;
  data: Binary;
  createdAt: Date;
}

/**
 * The size of a stored file, apart from its bytes, so quotas are counted without reading them (the
 * embedded database reads a whole document even for a projection) [P21]. `_id` = the attachment's id;
 * insert-only, written before the attachment.
 */
export interface AttachmentUsageDoc {
  _id: string;
  conversationId: string;
  /** The uploading visitor; null when an agent uploaded it. */
  visitorId: string | null;
  size: number;
  createdAt: Date;
}

/** A page a visitor viewed; insert-only [P18]. */
export interface PageViewDoc {
  _id: string;
  siteId: string;
  visitorId: string;
  url: string;
  title: string;
  viewedAt: Date;
}

/**
 * Claim: a visitor blocked on a site, `_id = siteId:visitorId`, so there is one block per visitor
 * and site however many agents block at once [P26]. Written once; lifting deletes it.
 */
export interface VisitorBlockDoc {
  _id: string;
  siteId: string;
  visitorId: string;
  visitorName: string;
  /** The site's user when identified [P19]; that user is this one visitor on every device. */
  userId: string | null;
  reason: string;
  blockedBy: { id: string; name: string };
  at: Date;
  conversationId: string;
}

/** Claim: one open conversation per visitor and site. `_id = siteId:visitorId`. */
export interface OpenConversationDoc {
  _id: string;
  conversationId: string;
  createdAt: Date;
}

/** Claim: the owner of a conversation in one assignment round. `_id = conversationId:round`. */
export interface AssignmentClaimDoc {
  _id: string;
  conversationId: string;
  agentId: string;
  createdAt: Date;
}

/** Claim: one unit of an agent's capacity. `_id = agentId:slot`. */
export interface AgentSlotDoc {
  _id: string;
  agentId: string;
  conversationId: string;
  createdAt: Date;
}

/**
 * A connection of an agent, renewed by heartbeat while it lives. A closed connection keeps its
 * document with `expiresAt` = the closing time, so routing knows how long the agent has been gone.
 */
export interface AgentLeaseDoc {
  _id: string;
  agentId: string;
  nodeId: string;
  expiresAt: Date;
  /** The due slot of `expiresAt` (routing/timer.repository.ts): where the sweeper finds it when it lapses. */
  expirySlot?: string;
}

/** A reminder to look at a conversation or an agent when it falls due (routing/timer.repository.ts). */
export interface TimerDoc {
  _id: string;
  kind: 'conversation' | 'agent-gone';
  subjectId: string;
  dueAt: Date;
  /** `dueAt`'s slot, compared by equality so an index answers a sweep. */
  dueSlot: string;
}

/** Claim: a timed action (re-queue, close) runs once across nodes. `_id = action:conversationId:round`. */
export interface ActionClaimDoc {
  _id: string;
  conversationId: string;
  nodeId: string;
  createdAt: Date;
}

/** Cache per site: the moving average of waiting time per queue position, for ETAs. */
export interface QueueStatsDoc {
  _id: string;
  ewmaWaitPerPositionMs: number;
}
