import { describe, expect, it } from 'vitest';
import { createInFlight } from './in-flight.js';

describe('work shared while in flight', () => {
  it('[P5] gives a second call with the same key the first call’s result, and runs again once it settled', async () => {
    const inFlight = createInFlight<number>();
    let runs = 0;
    let finish: (value: number) => void = () => {};
    const work = () => {
      runs++;
      return new Promise<number>((resolve) => {
        finish = resolve;
      });
    };
    const first = inFlight.share('a', work);
    const second = inFlight.share('a', work);
    expect(runs).toBe(1);
    finish(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(inFlight.size).toBe(0);
    const third = inFlight.share('a', work);
    expect(runs).toBe(2);
    finish(8);
    expect(await third).toBe(8);
  });

  it('shares a failure too, and keeps different keys apart', async () => {
    const inFlight = createInFlight<number>();
    const failing = inFlight.share('a', () => Promise.reject(new Error('down')));
    const joined = inFlight.share('a', () => Promise.resolve(1));
    const other = inFlight.share('b', () => Promise.resolve(2));
    await expect(failing).rejects.toThrow('down');
    await expect(joined).rejects.toThrow('down');
    expect(await other).toBe(2);
  });
});
