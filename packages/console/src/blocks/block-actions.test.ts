import type { VisitorBlock } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settle, setupConsole as setup } from '../console-fixture';
import { CONVERSATION_ID, ME, message, summary } from '../test-fakes';
import { BLOCK_PAGE_SIZE } from './block-form';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const open = summary();
const BLOCK: VisitorBlock = {
  id: `${open.siteId}:${open.visitorId}`,
  siteId: open.siteId,
  visitorId: open.visitorId,
  visitorName: open.visitorName,
  userId: null,
  reason: 'Abusive',
  blockedBy: { id: ME.id, name: ME.name },
  blockedAt: '2026-01-01T10:00:00.000Z',
  conversationId: CONVERSATION_ID,
};

/** The console with the conversation open; `block` is what `conversation:open` says of its visitor. */
async function withOpenConversation(block?: VisitorBlock) {
  const console = setup({
    'conversation:open': () => ({
      conversation: open,
      messages: [message(1)],
      hasMore: false,
      receipts: [],
      rating: null,
      pages: [],
      visitor: {
        name: open.visitorName,
        email: null,
        userId: null,
        isNameVerified: false,
        isEmailVerified: false,
        attributes: {},
      },
      ...(block ? { block } : {}),
    }),
    'visitor:block': () => BLOCK,
    'visitor:unblock': () => null,
    'blocks:list': () => ({ items: [BLOCK] }),
  });
  await console.state.start();
  console.fire('connect');
  await settle();
  console.state.openConversation(CONVERSATION_ID);
  await settle();
  return console;
}

describe('blocking in the console [P26]', () => {
  it('[P26] blocks the open conversation’s visitor with the reason and shows the block at once', async () => {
    const { state, sentOf } = await withOpenConversation();
    expect(state.block.value).toBeNull();
    await state.blockVisitor('Abusive');
    expect(sentOf('visitor:block')).toEqual([{ conversationId: CONVERSATION_ID, reason: 'Abusive' }]);
    expect(state.block.value).toEqual(BLOCK);
  });

  it('[P26] shows the block the open result carries, and follows visitor:blocked and visitor:unblocked', async () => {
    const { state, fire } = await withOpenConversation(BLOCK);
    expect(state.error.value).toBeNull();
    expect(state.block.value).toEqual(BLOCK);
    fire('visitor:unblocked', { id: BLOCK.id, siteId: BLOCK.siteId, visitorId: BLOCK.visitorId });
    expect(state.block.value).toBeNull();
    // Another visitor's block is not this conversation's.
    fire('visitor:blocked', { ...BLOCK, id: `${open.siteId}:other`, visitorId: 'other' });
    expect(state.block.value).toBeNull();
    fire('visitor:blocked', BLOCK);
    expect(state.block.value).toEqual(BLOCK);
  });

  it('[P26] pages the blocked visitors from before the last one shown, and lifting one clears it', async () => {
    const { state, sentOf } = await withOpenConversation(BLOCK);
    expect(await state.listBlocks()).toEqual([BLOCK]);
    await state.listBlocks(BLOCK.blockedAt);
    expect(sentOf('blocks:list')).toEqual([
      { limit: BLOCK_PAGE_SIZE },
      { limit: BLOCK_PAGE_SIZE, before: BLOCK.blockedAt },
    ]);
    await state.unblockVisitor(BLOCK);
    expect(sentOf('visitor:unblock')).toEqual([{ blockId: BLOCK.id }]);
    expect(state.block.value).toBeNull();
  });
});
