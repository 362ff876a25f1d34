import { BlockVisitorInput, MAX_BLOCK_REASON_CHARS, type VisitorBlock } from '@hovor/protocol';
import { fill } from '../account/account-texts';
import { BLOCK_TEXTS as T } from './block-texts';

/** How many blocked visitors the list asks for at a time. */
export const BLOCK_PAGE_SIZE = 20;

/**
 * [P26] The reason as the server will take it (the protocol's own schema, trimmed), or what is
 * wrong with it, in the agent's words.
 */
export function checkReason(text: string): { reason: string; error: null } | { reason: null; error: string } {
  const parsed = BlockVisitorInput.shape.reason.safeParse(text);
  if (parsed.success) return { reason: parsed.data, error: null };
  return {
    reason: null,
    error: text.trim().length === 0 ? T.reasonMissing : fill(T.reasonTooLong, { n: MAX_BLOCK_REASON_CHARS }),
  };
}

/** The list after a page arrived: newest first, each block once (a block made meanwhile may repeat). */
export function withPage(shown: readonly VisitorBlock[], page: readonly VisitorBlock[]): VisitorBlock[] {
  const seen = new Set(shown.map((block) => block.id));
  return [...shown, ...page.filter((block) => !seen.has(block.id))];
}

/** Whether another page may follow: the last one came full. */
export const mayHaveMore = (page: readonly VisitorBlock[]) => page.length === BLOCK_PAGE_SIZE;
