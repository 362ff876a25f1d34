import { z } from 'zod/mini';
import {
  BlockList,
  BlockVisitorInput,
  ListBlocksInput,
  UnblockVisitorInput,
  VisitorBlock,
  VisitorUnblocked,
} from './blocks.js';
import {
  AgentProfile,
  AgentStatus,
  ClientId,
  ConversationSummary,
  Id,
  IsoDate,
  Message,
  MessagePage,
  PageView,
  Rating,
  Receipt,
  SendMessageInput,
  Seq,
  SetReceiptInput,
  SetTypingInput,
  TypingChanged,
} from './common.js';
import type { ClientToServerEvents, CommandMap, NotificationMap, ServerToClientEvents } from './events.js';

/** Socket.IO namespace of the agent console; the session cookie authenticates it. */
export const AGENT_NAMESPACE = '/agent';

export const AgentHandshake = z.strictObject({ v: z.int() });
export type AgentHandshake = z.infer<typeof AgentHandshake>;

export const SetStatusInput = z.strictObject({ status: AgentStatus });
export type SetStatusInput = z.infer<typeof SetStatusInput>;

export const Inbox = z.enum(['queue', 'mine', 'closed', 'offline']);
export type Inbox = z.infer<typeof Inbox>;

export const MAX_LIST_LIMIT = 100;

export const ListConversationsInput = z.strictObject({
  box: Inbox,
  limit: z.optional(z.int().check(z.gte(1), z.lte(MAX_LIST_LIMIT))),
  /** For paging closed conversations: only those closed before this time. */
  before: z.optional(IsoDate),
});
export type ListConversationsInput = z.infer<typeof ListConversationsInput>;

export const ConversationList = z.strictObject({ items: z.array(ConversationSummary) });
export type ConversationList = z.infer<typeof ConversationList>;

export const OpenConversationInput = z.strictObject({ conversationId: Id, afterSeq: Seq });
export type OpenConversationInput = z.infer<typeof OpenConversationInput>;

/** Who the visitor of a conversation is, for the agent [P19]. */
export const VisitorProfile = z.strictObject({
  name: z.string(),
  email: z.nullable(z.string()),
  /** The site's user id, when the site verified who the visitor is (`Hovor('identify')`). */
  userId: z.nullable(z.string()),
  /** Whether the name and the e-mail are the ones the site's identity token gave, not the visitor's word. */
  isNameVerified: z.boolean(),
  isEmailVerified: z.boolean(),
  /** The page's facts about the visitor (`Hovor('setAttributes')`). */
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type VisitorProfile = z.infer<typeof VisitorProfile>;

export const OpenConversationResult = z.strictObject({
  conversation: ConversationSummary,
  ...MessagePage.shape,
  /** Both sides' receipts of the conversation. */
  receipts: z.array(Receipt),
  /** The visitor's rating, once given. */
  rating: z.nullable(Rating),
  /** The pages the visitor viewed around the conversation, oldest first [P18]. */
  pages: z.array(PageView),
  visitor: VisitorProfile,
  /** The visitor's block on the site, while they are blocked [P26]. */
  block: z.optional(VisitorBlock),
});
export type OpenConversationResult = z.infer<typeof OpenConversationResult>;

export const CloseConversationInput = z.strictObject({ conversationId: Id });
export type CloseConversationInput = z.infer<typeof CloseConversationInput>;

export const TakeConversationInput = z.strictObject({ conversationId: Id });

export const ReopenConversationInput = z.strictObject({ conversationId: Id });
export type ReopenConversationInput = z.infer<typeof ReopenConversationInput>;
export type TakeConversationInput = z.infer<typeof TakeConversationInput>;

export const MAX_NOTE_CHARS = 2000;

/** Where a conversation is transferred: a colleague (who must be eligible) or a department's queue. */
export const TransferTarget = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('agent'), agentId: Id }),
  z.strictObject({ type: z.literal('department'), departmentId: Id }),
]);
export type TransferTarget = z.infer<typeof TransferTarget>;

export const TransferInput = z.strictObject({
  conversationId: Id,
  to: TransferTarget,
  /** Shown to agents as an internal note ("never say I don't know — say I'll find out"). */
  comment: z.optional(
    z.string().check(
      z.maxLength(MAX_NOTE_CHARS),
      z.refine((s) => s.trim().length > 0, 'empty comment'),
    ),
  ),
});
export type TransferInput = z.infer<typeof TransferInput>;

export const AddNoteInput = z.strictObject({
  conversationId: Id,
  clientMsgId: ClientId,
  text: z.string().check(
    z.minLength(1),
    z.maxLength(MAX_NOTE_CHARS),
    z.refine((s) => s.trim().length > 0, 'empty text'),
  ),
});
export type AddNoteInput = z.infer<typeof AddNoteInput>;

/** Colleagues and departments a conversation can be transferred to. */
export const Team = z.strictObject({
  agents: z.array(
    z.strictObject({ id: z.string(), name: z.string(), status: AgentStatus, isConnected: z.boolean() }),
  ),
  departments: z.array(z.strictObject({ id: z.string(), name: z.string() })),
});
export type Team = z.infer<typeof Team>;

/** Commands an agent's console may send, each acked. */
export const AgentCommands = {
  'status:set': { input: SetStatusInput, output: AgentProfile },
  /** The agent is at the console (keyboard, pointer); keeps idle auto-away from setting them away. */
  'presence:activity': { input: z.strictObject({}), output: z.null() },
  'conversations:list': { input: ListConversationsInput, output: ConversationList },
  /** Returns the conversation and messages after `afterSeq`, and subscribes to its updates. */
  'conversation:open': { input: OpenConversationInput, output: OpenConversationResult },
  'conversation:close': { input: CloseConversationInput, output: ConversationSummary },
  /** Hands the conversation to an eligible colleague or to a department's queue, with an optional comment. */
  'conversation:transfer': { input: TransferInput, output: ConversationSummary },
  /** Adds an internal note, visible to agents only; idempotent by `clientMsgId`. */
  'note:add': { input: AddNoteInput, output: Message },
  /** The colleagues and departments of the conversation's site, for transfers. */
  'team:list': { input: z.strictObject({ conversationId: Id }), output: Team },
  /** Reopens a left (offline) message as the caller's conversation, to reply to it. */
  'conversation:reopen': { input: ReopenConversationInput, output: ConversationSummary },
  /** Takes a queued conversation; of concurrent takers exactly one wins, the others get CONFLICT. */
  'conversation:take': { input: TakeConversationInput, output: ConversationSummary },
  'message:send': { input: SendMessageInput, output: Message },
  'typing:set': { input: SetTypingInput, output: z.null() },
  /** Reports what the assigned agent's console has received and shown; answers the stored receipt. */
  'receipt:set': { input: SetReceiptInput, output: Receipt },
  /**
   * [P26] Blocks the conversation's visitor on its site: their conversations close, their sockets
   * end, and they cannot chat there until unblocked. The first block stands: again answers it.
   */
  'visitor:block': { input: BlockVisitorInput, output: VisitorBlock },
  /** [P26] Blocked visitors of the sites the caller oversees (supervisors, admins), newest first. */
  'blocks:list': { input: ListBlocksInput, output: BlockList },
  /** [P26] Lifts a block (supervisors, admins); a block already lifted answers null too. */
  'visitor:unblock': { input: UnblockVisitorInput, output: z.null() },
} as const satisfies CommandMap;
export type AgentCommands = typeof AgentCommands;

/** Notifications the server sends to agents. */
export const AgentNotifications = {
  /** Own profile changed (e.g. status set in another tab). */
  'agent:updated': AgentProfile,
  /** A conversation the agent owns or has open changed (state, owner, new message), at once. */
  'conversation:updated': ConversationSummary,
  /**
   * Conversations of the agent's sites changed (the queue, colleagues' chats): the latest summary
   * of each, gathered per site and sent at most every 200 ms, up to 100 a frame.
   */
  'conversations:updated': z.array(ConversationSummary).check(z.maxLength(100)),
  'message:created': Message,
  'typing:changed': TypingChanged,
  /** Either side's receipt of a conversation the agent sees grew. */
  'receipt:updated': Receipt,
  /** The visitor rated a conversation the agent sees. */
  'conversation:rated': Rating,
  /** The visitor of an open conversation viewed a page [P18]. */
  'conversation:page': z.strictObject({ conversationId: Id, page: PageView }),
  /** A visitor of the agent's sites was blocked [P26]. */
  'visitor:blocked': VisitorBlock,
  /** A block on one of the agent's sites was lifted [P26]. */
  'visitor:unblocked': VisitorUnblocked,
} as const satisfies NotificationMap;
export type AgentNotifications = typeof AgentNotifications;

export type AgentClientToServerEvents = ClientToServerEvents<AgentCommands>;
export type AgentServerToClientEvents = ServerToClientEvents<AgentNotifications>;
