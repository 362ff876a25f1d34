import { MAX_BLOCK_REASON_CHARS, type VisitorBlock } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { BLOCK_PAGE_SIZE, checkReason, mayHaveMore, withPage } from './block-form';

const block = (n: number): VisitorBlock => ({
  id: `s:${n}`,
  siteId: 's',
  visitorId: String(n),
  visitorName: `Visitor ${n}`,
  userId: null,
  reason: 'Abuse',
  blockedBy: { id: 'a', name: 'Alice' },
  blockedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 60 - n)).toISOString(),
  conversationId: 'c',
});

describe('the block form [P26]', () => {
  it('[P26] takes a reason trimmed, as the server does', () => {
    expect(checkReason('  Insults the agent \n')).toEqual({ reason: 'Insults the agent', error: null });
  });

  it('[P26] refuses a blank reason and one longer than the server takes, saying which', () => {
    expect(checkReason(' \n\t ')).toEqual({ reason: null, error: 'Enter a reason.' });
    expect(checkReason('x'.repeat(MAX_BLOCK_REASON_CHARS + 1))).toEqual({
      reason: null,
      error: `Use at most ${MAX_BLOCK_REASON_CHARS} characters.`,
    });
    expect(checkReason('x'.repeat(MAX_BLOCK_REASON_CHARS)).error).toBeNull();
  });
});

describe('the list of blocked visitors [P26]', () => {
  it('[P26] appends the next page, keeping each blocked visitor once', () => {
    const shown = [block(1), block(2)];
    expect(withPage(shown, [block(2), block(3)]).map((b) => b.id)).toEqual(['s:1', 's:2', 's:3']);
  });

  it('[P26] offers more only after a full page', () => {
    expect(mayHaveMore(Array.from({ length: BLOCK_PAGE_SIZE }, (_, i) => block(i)))).toBe(true);
    expect(mayHaveMore([block(1)])).toBe(false);
  });
});
