import { describe, expect, it } from 'vitest';
import { type Candidate, rankCandidates } from './choose-agent.js';

const rankLeastBusy = (candidates: Candidate[]) => rankCandidates(candidates, 'least-busy');

const at = (iso: string) => new Date(iso);
const candidate = (
  id: string,
  active: number,
  capacity = 3,
  lastAssignedAt: Date | null = null,
): Candidate => ({
  id,
  active,
  capacity,
  lastAssignedAt,
});

describe('[RT2] least-busy ranking', () => {
  it('puts the agent with the fewest active chats first', () => {
    const ranked = rankLeastBusy([candidate('a', 2), candidate('b', 0), candidate('c', 1)]);
    expect(ranked.map((c) => c.id)).toEqual(['b', 'c', 'a']);
  });

  it('leaves out agents at capacity', () => {
    const ranked = rankLeastBusy([candidate('a', 3, 3), candidate('b', 5, 5), candidate('c', 4, 5)]);
    expect(ranked.map((c) => c.id)).toEqual(['c']);
  });

  it('breaks ties by the longest wait since the last assignment', () => {
    const ranked = rankLeastBusy([
      candidate('recent', 1, 3, at('2026-01-01T10:05:00Z')),
      candidate('earlier', 1, 3, at('2026-01-01T10:00:00Z')),
    ]);
    expect(ranked.map((c) => c.id)).toEqual(['earlier', 'recent']);
  });

  it('ranks a never-assigned agent before one assigned at any time', () => {
    const ranked = rankLeastBusy([candidate('old', 0, 3, at('2000-01-01T00:00:00Z')), candidate('new', 0)]);
    expect(ranked.map((c) => c.id)).toEqual(['new', 'old']);
  });

  it('returns nobody when no agent has free capacity', () => {
    expect(rankLeastBusy([candidate('a', 1, 1)])).toEqual([]);
  });
});

describe('round-robin ranking', () => {
  it('takes the agent who has waited longest, whatever their load, within capacity', () => {
    const ranked = rankCandidates(
      [
        candidate('busy-but-waiting', 2, 3, at('2026-01-01T09:00:00Z')),
        candidate('idle-recent', 0, 3, at('2026-01-01T10:00:00Z')),
        candidate('full', 3, 3, null),
      ],
      'round-robin',
    );
    expect(ranked.map((c) => c.id)).toEqual(['busy-but-waiting', 'idle-recent']);
  });
});
