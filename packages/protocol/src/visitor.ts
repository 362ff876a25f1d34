import { z } from 'zod/mini';
import {
  ClientId,
  Id,
  Message,
  MessagePage,
  QueuePosition,
  SendMessageInput,
  Seq,
  SetTypingInput,
  SiteKey,
  TypingChanged,
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
});
export type VisitorHandshake = z.infer<typeof VisitorHandshake>;

export const StartConversationInput = z.strictObject({
  requestId: ClientId,
  /** The department to talk to (pre-chat choice or `Hovor('setDepartment', id)`); the site's general queue when absent. */
  departmentId: z.optional(Id),
});
export type StartConversationInput = z.infer<typeof StartConversationInput>;

export const VisitorSyncInput = z.strictObject({
  /** Omitted: the visitor's open conversation, if any. */
  conversationId: z.optional(Id),
  afterSeq: Seq,
});
export type VisitorSyncInput = z.infer<typeof VisitorSyncInput>;

export const VisitorSyncResult = z.strictObject({
  conversation: z.nullable(VisitorConversation),
  ...MessagePage.shape,
});
export type VisitorSyncResult = z.infer<typeof VisitorSyncResult>;

/** Commands a visitor may send, each acked. */
export const VisitorCommands = {
  /** Starts a conversation, or returns the open one: idempotent. */
  'conversation:start': { input: StartConversationInput, output: VisitorConversation },
  /** Returns the conversation and the messages after `afterSeq` (a page). */
  'conversation:sync': { input: VisitorSyncInput, output: VisitorSyncResult },
  /** Appends a message; a repeated `clientMsgId` returns the stored message. */
  'message:send': { input: SendMessageInput, output: Message },
  'typing:set': { input: SetTypingInput, output: z.null() },
} as const satisfies CommandMap;
export type VisitorCommands = typeof VisitorCommands;

/** Notifications the server sends to visitors. */
export const VisitorNotifications = {
  'message:created': Message,
  'conversation:updated': VisitorConversation,
  'typing:changed': TypingChanged,
  /** Sent to each waiting visitor whenever the queue changes. */
  'queue:position': QueuePosition,
} as const satisfies NotificationMap;
export type VisitorNotifications = typeof VisitorNotifications;

export type VisitorClientToServerEvents = ClientToServerEvents<VisitorCommands>;
export type VisitorServerToClientEvents = ServerToClientEvents<VisitorNotifications>;
