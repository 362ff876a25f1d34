import { z } from 'zod/mini';
import { AgentRef, Id, IsoDate } from './common.js';

/** Longest reason an agent gives for blocking a visitor, in characters [P26]. */
export const MAX_BLOCK_REASON_CHARS = 500;
/** Most blocked visitors one `blocks:list` answers. */
export const MAX_BLOCK_PAGE = 100;

/** A block's id: `siteId:visitorId`, since a visitor is blocked at most once per site [P26]. */
export const BlockId = z.string().check(z.regex(/^[a-f0-9]{24}:[a-f0-9]{24}$/, 'expected a block id'));

/** [P26] Blocks the visitor of a conversation; the reason is for the team, never for the visitor. */
export const BlockVisitorInput = z.strictObject({
  conversationId: Id,
  /** Trimmed; 1–500 characters. */
  reason: z.string().check(z.trim(), z.minLength(1, 'empty reason'), z.maxLength(MAX_BLOCK_REASON_CHARS)),
});
export type BlockVisitorInput = z.infer<typeof BlockVisitorInput>;

/** A blocked visitor, as supervisors list them and agents see it on the visitor's conversations [P26]. */
export const VisitorBlock = z.strictObject({
  id: z.string(),
  siteId: z.string(),
  visitorId: z.string(),
  visitorName: z.string(),
  /** The site's user, when the site had identified the visitor [P19]: blocked on every device. */
  userId: z.nullable(z.string()),
  reason: z.string(),
  blockedBy: AgentRef,
  blockedAt: IsoDate,
  /** The conversation the visitor was blocked from. */
  conversationId: z.string(),
});
export type VisitorBlock = z.infer<typeof VisitorBlock>;

export const ListBlocksInput = z.strictObject({
  /** One of the caller's overseen sites; all of them when absent. */
  siteId: z.optional(Id),
  limit: z.optional(z.int().check(z.gte(1), z.lte(MAX_BLOCK_PAGE))),
  /** For paging: only blocks made before this time. */
  before: z.optional(IsoDate),
});
export type ListBlocksInput = z.infer<typeof ListBlocksInput>;

export const BlockList = z.strictObject({ items: z.array(VisitorBlock) });
export type BlockList = z.infer<typeof BlockList>;

/** Lifts a block, named by its id or by the visitor's. */
export const UnblockVisitorInput = z.union([
  z.strictObject({ blockId: BlockId }),
  z.strictObject({ visitorId: Id }),
]);
export type UnblockVisitorInput = z.infer<typeof UnblockVisitorInput>;

/** A block was lifted. */
export const VisitorUnblocked = z.strictObject({ id: z.string(), siteId: z.string(), visitorId: z.string() });
export type VisitorUnblocked = z.infer<typeof VisitorUnblocked>;
