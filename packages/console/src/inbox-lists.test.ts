import type { ConversationSummary } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { applySummary, boxOf, EMPTY_LISTS, type InboxLists } from './inbox-lists';

const ME = 'a00000000000000000000001';
const OTHER = 'a00000000000000000000002';

function summary(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id: 'c00000000000000000000001',
    siteId: 's00000000000000000000001',
    visitorId: 'v00000000000000000000001',
    visitorName: 'Ada',
    state: 'queued',
    agent: null,
    lastSeq: 1,
    lastMessageText: 'Hello',
    createdAt: '2025-01-01T10:00:00.000Z',
    queuedAt: '2025-01-01T10:00:00.000Z',
    assignedAt: null,
    closedAt: null,
    ...overrides,
  };
}

const ids = (lists: InboxLists) => ({
  queue: lists.queue.map((s) => s.id),
  mine: lists.mine.map((s) => s.id),
  closed: lists.closed.map((s) => s.id),
});

describe('boxOf', () => {
  it('puts queued chats in the queue, mine in Mine, closed ones in Closed', () => {
    expect(boxOf(summary(), ME)).toBe('queue');
    expect(boxOf(summary({ state: 'assigned', agent: { id: ME, name: 'Me' } }), ME)).toBe('mine');
    expect(boxOf(summary({ state: 'closed', agent: { id: OTHER, name: 'Bo' } }), ME)).toBe('closed');
  });

  it('keeps a chat assigned to another agent out of every list', () => {
    expect(boxOf(summary({ state: 'assigned', agent: { id: OTHER, name: 'Bo' } }), ME)).toBeNull();
  });
});

describe('applySummary', () => {
  it('adds a newly queued chat to the queue', () => {
    expect(ids(applySummary(EMPTY_LISTS, summary(), ME))).toEqual({
      queue: ['c00000000000000000000001'],
      mine: [],
      closed: [],
    });
  });

  it('moves a chat from the queue to Mine when it is assigned to me', () => {
    const queued = applySummary(EMPTY_LISTS, summary(), ME);
    const assigned = summary({
      state: 'assigned',
      agent: { id: ME, name: 'Me' },
      lastSeq: 2,
      assignedAt: '2025-01-01T10:01:00.000Z',
    });
    expect(ids(applySummary(queued, assigned, ME))).toEqual({
      queue: [],
      mine: ['c00000000000000000000001'],
      closed: [],
    });
  });

  it('drops a chat from the queue when another agent takes it', () => {
    const queued = applySummary(EMPTY_LISTS, summary(), ME);
    const taken = summary({ state: 'assigned', agent: { id: OTHER, name: 'Bo' }, lastSeq: 2 });
    expect(ids(applySummary(queued, taken, ME))).toEqual({ queue: [], mine: [], closed: [] });
  });

  it('moves a chat from Mine to Closed when it is closed', () => {
    const mine = applySummary(
      EMPTY_LISTS,
      summary({ state: 'assigned', agent: { id: ME, name: 'Me' }, lastSeq: 2 }),
      ME,
    );
    const closed = summary({
      state: 'closed',
      agent: { id: ME, name: 'Me' },
      lastSeq: 3,
      closedAt: '2025-01-01T10:05:00.000Z',
    });
    expect(ids(applySummary(mine, closed, ME))).toEqual({
      queue: [],
      mine: [],
      closed: ['c00000000000000000000001'],
    });
  });

  it('replaces the held copy when a new message arrives, without duplicating it', () => {
    const lists = applySummary(EMPTY_LISTS, summary(), ME);
    const next = applySummary(lists, summary({ lastSeq: 2, lastMessageText: 'Anyone there?' }), ME);
    expect(next.queue).toHaveLength(1);
    expect(next.queue[0]?.lastMessageText).toBe('Anyone there?');
  });

  it('ignores a late summary older than the one held', () => {
    const closed = applySummary(
      EMPTY_LISTS,
      summary({ state: 'closed', lastSeq: 3, closedAt: '2025-01-01T10:05:00.000Z' }),
      ME,
    );
    const late = summary({ state: 'assigned', agent: { id: ME, name: 'Me' }, lastSeq: 2 });
    expect(applySummary(closed, late, ME)).toBe(closed);
  });

  it('serves the queue oldest first and shows the newest closed chat first', () => {
    let lists = EMPTY_LISTS;
    for (const [id, at] of [
      ['c00000000000000000000002', '2025-01-01T10:02:00.000Z'],
      ['c00000000000000000000001', '2025-01-01T10:01:00.000Z'],
      ['c00000000000000000000003', '2025-01-01T10:03:00.000Z'],
    ] as const) {
      lists = applySummary(lists, summary({ id, queuedAt: at }), ME);
      lists = applySummary(lists, summary({ id: `d${id.slice(1)}`, state: 'closed', closedAt: at }), ME);
    }
    expect(ids(lists).queue).toEqual([
      'c00000000000000000000001',
      'c00000000000000000000002',
      'c00000000000000000000003',
    ]);
    expect(ids(lists).closed).toEqual([
      'd00000000000000000000003',
      'd00000000000000000000002',
      'd00000000000000000000001',
    ]);
  });
});
