import { describe, expect, it } from 'vitest';
import { createTurns } from './turns.js';

/** A promise the test settles by hand. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('turns', () => {
  it('runs the jobs of one key one after another, in the order they came', async () => {
    const turns = createTurns();
    const log: string[] = [];
    const first = gate();
    const a = turns.inTurn('c1', async () => {
      log.push('a starts');
      await first.promise;
      log.push('a ends');
    });
    const b = turns.inTurn('c1', async () => {
      log.push('b runs');
    });
    await Promise.resolve();
    expect(log).toEqual(['a starts']);
    first.open();
    await Promise.all([a, b]);
    expect(log).toEqual(['a starts', 'a ends', 'b runs']);
  });

  it('runs jobs of different keys side by side', async () => {
    const turns = createTurns();
    const held = gate();
    const log: string[] = [];
    const a = turns.inTurn('c1', async () => {
      await held.promise;
      log.push('c1');
    });
    await turns.inTurn('c2', async () => {
      log.push('c2');
    });
    expect(log).toEqual(['c2']);
    held.open();
    await a;
    expect(log).toEqual(['c2', 'c1']);
  });

  it('gives each caller its own result or error, and a failed job does not stop the next', async () => {
    const turns = createTurns();
    const failing = turns.inTurn('c1', async () => {
      throw new Error('boom');
    });
    const next = turns.inTurn('c1', async () => 42);
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });

  it('forgets a key once its jobs have settled, and idle waits for every key', async () => {
    const turns = createTurns();
    const held = gate();
    const job = turns.inTurn('c1', () => held.promise);
    expect(turns.size).toBe(1);
    let isIdle = false;
    const idle = turns.idle().then(() => {
      isIdle = true;
    });
    await Promise.resolve();
    expect(isIdle).toBe(false);
    held.open();
    await job;
    await idle;
    expect(turns.size).toBe(0);
  });
});
