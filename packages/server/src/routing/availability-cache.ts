import type { Availability } from '@hovor/protocol';
import type { Clock } from '../ports/clock.js';

/** Answers kept at most; the oldest goes first when a new one needs room. */
const MAX_ENTRIES = 10_000;

type Load = (
  siteId: string,
  departmentId: string | null,
  locale: string | undefined,
) => Promise<Availability>;

/**
 * [P22] What sites offer, kept for `ttlMs` per site, department and language on this node: every
 * launcher of a site that hides while offline asks once a minute, and an answer costs several
 * database reads (the site, its agents and departments, their leases). Questions that arrive
 * while one is being answered share its answer; a failed answer is not kept. `ttlMs` 0 keeps
 * nothing.
 */
export function createAvailabilityCache(deps: { ttlMs: number; clock: Clock; load: Load }): Load {
  const answers = new Map<string, { expiresAt: number; answer: Promise<Availability> }>();
  return (siteId, departmentId, locale) => {
    if (deps.ttlMs <= 0) return deps.load(siteId, departmentId, locale);
    const key = `${siteId} ${departmentId ?? ''} ${locale ?? ''}`;
    const now = deps.clock.now().getTime();
    const kept = answers.get(key);
    if (kept && kept.expiresAt > now) return kept.answer;
    answers.delete(key);
    if (answers.size >= MAX_ENTRIES) answers.delete(answers.keys().next().value!);
    const answer = deps.load(siteId, departmentId, locale);
    const entry = { expiresAt: now + deps.ttlMs, answer };
    answers.set(key, entry);
    answer.catch(() => {
      if (answers.get(key) === entry) answers.delete(key);
    });
    return answer;
  };
}
