import type { VisitorBlock, VisitorUnblocked } from '@hovor/protocol';
import { ConsoleError } from '../console-error';
import type { ConversationState } from '../conversation-state';
import { type AgentSocket, command } from '../socket';
import { BLOCK_PAGE_SIZE } from './block-form';

export interface BlockActionsDeps {
  requireSocket: () => AgentSocket;
  conversation: Pick<ConversationState, 'currentId' | 'onBlocked' | 'onUnblocked'>;
}

/**
 * [P26] Blocking visitors: any agent blocks the visitor of the open conversation; supervisors and
 * admins page through the blocks of their sites and lift them. Each rejects with a `ConsoleError`
 * for its dialog to show.
 */
export function createBlockActions({ requireSocket, conversation }: BlockActionsDeps) {
  /** Blocks the open conversation's visitor; the server closes their conversations. */
  async function blockVisitor(reason: string): Promise<VisitorBlock> {
    const id = conversation.currentId.value;
    if (!id) throw new ConsoleError('NOT_FOUND', 'Open a conversation first.');
    const block = await command(requireSocket(), 'visitor:block', { conversationId: id, reason });
    conversation.onBlocked(block);
    return block;
  }

  /** One page of blocked visitors, newest first: those blocked before `before` when given. */
  async function listBlocks(before?: string): Promise<VisitorBlock[]> {
    const page = await command(requireSocket(), 'blocks:list', {
      limit: BLOCK_PAGE_SIZE,
      ...(before ? { before } : {}),
    });
    return page.items;
  }

  async function unblockVisitor(block: VisitorBlock): Promise<void> {
    await command(requireSocket(), 'visitor:unblock', { blockId: block.id });
    const lifted: VisitorUnblocked = { id: block.id, siteId: block.siteId, visitorId: block.visitorId };
    conversation.onUnblocked(lifted);
  }

  return { blockVisitor, listBlocks, unblockVisitor };
}
