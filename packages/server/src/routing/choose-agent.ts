/** What routing knows about an eligible agent when it picks one. */
export type Candidate = {
  id: string;
  /** Chats the agent holds now (claimed capacity slots). */
  active: number;
  capacity: number;
  lastAssignedAt: Date | null;
};

/**
 * Orders agents for the least-busy strategy: only those with free capacity, fewest active
 * chats first; ties go to the one who has waited longest since their last assignment
 * (never assigned counts as longest), then by id so every node ranks alike.
 */
export function rankLeastBusy(candidates: readonly Candidate[]): Candidate[] {
  return candidates
    .filter((candidate) => candidate.active < candidate.capacity)
    .sort(
      (a, b) =>
        a.active - b.active ||
        (a.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY) -
          (b.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY) ||
        a.id.localeCompare(b.id),
    );
}
