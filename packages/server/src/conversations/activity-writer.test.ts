import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ACTIVITY_WRITE_DELAY_MS,
  type ActivityNote,
  createActivityWriter,
  mergeNotes,
} from './activity-writer.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const note = (seq: number, text: string | null): ActivityNote => ({ seq, text, at: at(seq) });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the activity cache written behind the messages', () => {
  it('merges notes to the newest message, keeping the last preview text', () => {
    expect(mergeNotes(note(3, 'hi'), note(4, null))).toEqual({ seq: 4, text: 'hi', at: at(4) });
    expect(mergeNotes(note(5, 'late'), note(4, 'early'))).toEqual({ seq: 5, text: 'late', at: at(5) });
  });

  it('writes one conversation once at a time, merging what arrives meanwhile', async () => {
    const writes: Array<{ id: string; note: ActivityNote; done: () => void }> = [];
    const writer = createActivityWriter({
      write: (id, n) => new Promise<void>((resolve) => writes.push({ id, note: n, done: resolve })),
      onError: () => {},
    });
    writer.note('c1', note(1, 'a'));
    await vi.advanceTimersByTimeAsync(ACTIVITY_WRITE_DELAY_MS);
    writer.note('c1', note(2, 'b'));
    writer.note('c1', note(3, null));
    expect(writes.map((w) => w.note.seq)).toEqual([1]);
    expect(writer.unwritten('c1')).toEqual({ seq: 3, text: 'b', at: at(3) });
    writes[0]!.done();
    await vi.advanceTimersByTimeAsync(ACTIVITY_WRITE_DELAY_MS);
    expect(writes.map((w) => w.note)).toEqual([note(1, 'a'), { seq: 3, text: 'b', at: at(3) }]);
    writes[1]!.done();
    await writer.idle(1_000);
    expect(writer.unwritten('c1')).toBeUndefined();
  });

  it('waits ACTIVITY_WRITE_DELAY_MS before writing, so that what comes meanwhile is written once', async () => {
    const written: Array<{ id: string; note: ActivityNote }> = [];
    const writer = createActivityWriter({
      write: async (id, n) => {
        written.push({ id, note: n });
      },
      onError: () => {},
    });
    writer.note('c1', note(1, null));
    writer.note('c2', note(1, 'x'));
    await vi.advanceTimersByTimeAsync(ACTIVITY_WRITE_DELAY_MS - 1);
    writer.note('c1', note(2, 'hello'));
    expect(written).toEqual([]);
    expect(writer.latest('c1')).toEqual(note(2, 'hello'));
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toEqual([
      { id: 'c1', note: note(2, 'hello') },
      { id: 'c2', note: note(1, 'x') },
    ]);
  });

  it('writes at once what waits when asked to be idle (a shutdown)', async () => {
    const written: ActivityNote[] = [];
    const writer = createActivityWriter({
      write: async (_id, n) => {
        written.push(n);
      },
      onError: () => {},
    });
    writer.note('c1', note(1, 'a'));
    await writer.idle(1);
    expect(written).toEqual([note(1, 'a')]);
  });

  it('keeps a note whose write failed and writes it again later', async () => {
    let failures = 1;
    const written: ActivityNote[] = [];
    const errors: unknown[] = [];
    const writer = createActivityWriter({
      write: async (_id, n) => {
        if (failures-- > 0) throw new Error('database away');
        written.push(n);
      },
      onError: (error) => errors.push(error),
    });
    writer.note('c1', note(7, 'x'));
    await vi.advanceTimersByTimeAsync(ACTIVITY_WRITE_DELAY_MS);
    expect(errors).toHaveLength(1);
    expect(writer.unwritten('c1')?.seq).toBe(7);
    await vi.advanceTimersByTimeAsync(500);
    expect(written).toEqual([note(7, 'x')]);
  });
});
