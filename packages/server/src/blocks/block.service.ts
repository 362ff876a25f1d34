import type { ListBlocksInput, UnblockVisitorInput, VisitorBlock, VisitorUnblocked } from '@hovor/protocol';
import { oversees } from '../access/conversation-access.js';
import type { Agent } from '../agents/agent.repository.js';
import type { AuditLog } from '../audit/audit.repository.js';
import type { Conversation, ConversationRepository } from '../conversations/conversation.repository.js';
import type { ConversationCloser } from '../conversations/conversation-closer.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Visitor, VisitorRepository } from '../visitors/visitor.repository.js';
import { type Block, type BlockRepository, blockIdOf } from './block.repository.js';

/** Blocked visitors one `blocks:list` answers when it asks for no number. */
const DEFAULT_BLOCK_PAGE = 50;

/** What blocking tells the world; the socket layer implements it (`sockets/block-sockets.ts`). */
export interface BlockAnnouncer {
  /** Ends every socket of the visitor, on every node (through the Socket.IO adapter). */
  endVisitor(visitorId: string): void;
  /** Tells the agents of the block's site. */
  blocked(block: VisitorBlock): void;
  unblocked(lifted: VisitorUnblocked): void;
}

/**
 * [P26] The refusal a blocked visitor gets, at the handshake and for a start or a left message: a
 * neutral "not available" that does not say they were blocked (no new code: the table is closed).
 */
export function chatUnavailable(): AppError {
  return new AppError('FORBIDDEN', 'Chat is not available', { isChatUnavailable: true });
}

const toWire = (block: Block): VisitorBlock => ({
  id: block.id,
  siteId: block.siteId,
  visitorId: block.visitorId,
  visitorName: block.visitorName,
  userId: block.userId,
  reason: block.reason,
  blockedBy: block.blockedBy,
  blockedAt: block.at.toISOString(),
  conversationId: block.conversationId,
});

/**
 * [P26] Blocking visitors: an agent who may read a conversation blocks its visitor on its site;
 * supervisors and admins list and lift the blocks of the sites they oversee. A block is a claim
 * (`siteId:visitorId`); every step after it is idempotent, so blocking again finishes what an
 * interrupted attempt left.
 */
export function createBlockService(deps: {
  blocks: BlockRepository;
  conversations: Pick<ConversationRepository, 'findById' | 'findOpenId'>;
  closer: ConversationCloser;
  visitors: Pick<VisitorRepository, 'findById' | 'userIdOf'>;
  audit: AuditLog;
  announce: BlockAnnouncer;
  clock: Clock;
}) {
  const { blocks, clock } = deps;
  const notFound = () => new AppError('NOT_FOUND', 'No such blocked visitor');

  /** Closes the conversation blocked from, and the visitor's open one on the site if that is another. */
  async function closeChats(agent: Agent, from: Conversation): Promise<void> {
    const by = { type: 'agent', id: agent.id, name: agent.name } as const;
    await deps.closer.close(from, by, null);
    const openId = await deps.conversations.findOpenId(from.siteId, from.visitorId);
    const open = openId && openId !== from.id ? await deps.conversations.findById(openId) : null;
    if (open?.visitorId === from.visitorId) await deps.closer.close(open, by, null);
  }

  return {
    /** Blocks the visitor of `conversation` (authorized by the caller [A1]); the first block stands. */
    async block(agent: Agent, conversation: Conversation, reason: string): Promise<VisitorBlock> {
      const { siteId, visitorId } = conversation;
      const { block, isNew } = await blocks.claim({
        id: blockIdOf(siteId, visitorId),
        siteId,
        visitorId,
        visitorName: conversation.visitorName,
        userId: await deps.visitors.userIdOf(visitorId),
        reason,
        blockedBy: { id: agent.id, name: agent.name },
        at: clock.now(),
        conversationId: conversation.id,
      });
      // Sockets first: nothing more arrives from the visitor while their chats close.
      deps.announce.endVisitor(visitorId);
      await closeChats(agent, conversation);
      const wire = toWire(block);
      if (isNew) {
        await deps.audit.record({
          action: 'visitor.blocked',
          actorId: agent.id,
          siteId,
          targetId: visitorId,
          details: { reason, conversationId: conversation.id, userId: block.userId },
        });
        deps.announce.blocked(wire);
      }
      return wire;
    },

    /** The blocks of the sites the agent oversees (or of the one named), newest first, one page. */
    async list(agent: Agent, input: ListBlocksInput): Promise<{ items: VisitorBlock[] }> {
      if (input.siteId && !oversees(agent, input.siteId)) throw new AppError('NOT_FOUND', 'No such site');
      const before = input.before ? new Date(input.before) : undefined;
      if (before && Number.isNaN(before.getTime())) throw new AppError('BAD_REQUEST', 'before: not a date');
      const limit = input.limit ?? DEFAULT_BLOCK_PAGE;
      const siteIds = input.siteId ? [input.siteId] : agent.siteIds.filter((id) => oversees(agent, id));
      // One bounded read per site (an equality the index serves), merged: a supervisor has few sites.
      const pages = await Promise.all(siteIds.map((id) => blocks.listBySite(id, limit, before)));
      const items = pages
        .flat()
        .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1))
        .slice(0, limit);
      return { items: items.map(toWire) };
    },

    /**
     * Lifts a block of a site the agent oversees; one of another site is NOT_FOUND. Idempotent: a
     * block already lifted answers null as well, and only the lifting is audited and announced.
     */
    async unblock(agent: Agent, input: UnblockVisitorInput): Promise<null> {
      let id: string;
      if ('blockId' in input) {
        id = input.blockId;
      } else {
        const visitor = await deps.visitors.findById(input.visitorId);
        if (!visitor) throw notFound();
        id = blockIdOf(visitor.siteId, visitor.id);
      }
      const [siteId = '', visitorId = ''] = id.split(':');
      if (!oversees(agent, siteId)) throw notFound();
      const block = await blocks.findById(id);
      if (block && (await blocks.remove(id))) {
        await deps.audit.record({
          action: 'visitor.unblocked',
          actorId: agent.id,
          siteId,
          targetId: visitorId,
          details: { blockedById: block.blockedBy.id, conversationId: block.conversationId },
        });
        deps.announce.unblocked({ id, siteId, visitorId });
      }
      return null;
    },

    /** The visitor's block on the conversation's site, if any, for the agents who open it. */
    async blockOf(conversation: Conversation): Promise<VisitorBlock | null> {
      const block = await blocks.findById(blockIdOf(conversation.siteId, conversation.visitorId));
      return block ? toWire(block) : null;
    },

    /** [P26] Refuses a blocked visitor: a handshake, a start, a left message. */
    async refuseIfBlocked(visitor: Visitor): Promise<void> {
      if (await blocks.findById(blockIdOf(visitor.siteId, visitor.id))) throw chatUnavailable();
    },
  };
}
export type BlockService = ReturnType<typeof createBlockService>;
