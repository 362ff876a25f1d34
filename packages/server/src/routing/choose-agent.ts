/** What routing knows about an eligible agent when it picks one. */
export type Candidate = {
  id: string;
  /** Chats the agent holds now (claimed capacity slots). */
  active: number;
  capacity: number;
  lastAssignedAt: Date | null;
};

export type Strategy = 'least-busy' | 'round-robin';

const waitedSince = (candidate: Candidate) => candidate.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY;

/**
 * Orders the agents with free capacity for assignment.
 * - `least-busy` [RT2]: fewest active chats first; ties go to the one who has waited longest
 *   since their last assignment (never assigned counts as longest), then by id.
 * - `round-robin`: the one who has waited longest since their last assignment, whatever their load.
 * The id tie-break makes every node rank alike.
 */
export function rankCandidates(candidates: readonly Candidate[], strategy: Strategy): Candidate[] {
  const byWait = (a: Candidate, b: Candidate) => waitedSince(a) - waitedSince(b) || a.id.localeCompare(b.id);
  return candidates
    .filter((candidate) => candidate.active < candidate.capacity)
    .sort(strategy === 'least-busy' ? (a, b) => a.active - b.active || byWait(a, b) : byWait);
}
