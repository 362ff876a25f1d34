import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientId, type Harness, startHarness } from './support/harness.js';

/**
 * A burst of chat starts far past the size at which the embedded database once stalled (a queue
 * longer than a cursor's first batch, 101): every start is answered, the queue is never read
 * whole, and assignment goes on while chats keep arriving and after.
 */
const CHATS = 250;
const FIRST_AGENTS = 5;
const LATER_AGENTS = 10;
const CAPACITY = 25;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('a burst of chat starts', () => {
  it('[RT3][RT6] answers every start and keeps assigning past a queue of hundreds', async () => {
    for (let i = 0; i < FIRST_AGENTS; i++) await h.onlineAgent(`First ${i}`, { capacity: CAPACITY });
    const visitors = await Promise.all(Array.from({ length: CHATS }, () => h.visitor()));

    const answers = await Promise.all(
      visitors.map((v) => call(v.socket, 'conversation:start', { requestId: clientId() })),
    );
    const failed = answers.filter((answer) => !answer.ok);
    expect(failed).toEqual([]);
    const assignedAtOnce = FIRST_AGENTS * CAPACITY;
    await expect.poll(() => h.c.conversations.countDocuments({ state: 'assigned' })).toBe(assignedAtOnce);
    expect(await h.c.conversations.countDocuments({ state: 'queued' })).toBe(CHATS - assignedAtOnce);

    // More agents come online: the long queue is worked off, in bounded steps, by the sweeper and the triggers.
    for (let i = 0; i < LATER_AGENTS; i++) await h.onlineAgent(`Later ${i}`, { capacity: CAPACITY });
    await expect
      .poll(() => h.c.conversations.countDocuments({ state: 'assigned' }), { timeout: 60_000 })
      .toBe(CHATS);
    expect(await h.c.assignmentClaims.countDocuments({})).toBe(CHATS);
    const slots = await h.c.agentSlots.find({}).toArray();
    expect(slots).toHaveLength(CHATS);
    const perAgent = new Map<string, number>();
    for (const slot of slots) perAgent.set(slot.agentId, (perAgent.get(slot.agentId) ?? 0) + 1);
    expect(Math.max(...perAgent.values())).toBeLessThanOrEqual(CAPACITY);
  }, 120_000);
});
