import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.js';

/**
 * The sweeper reads what is due, not what is open (routing/timer.repository.ts): with many chats
 * open and nothing due, a sweep reads no conversation and no message.
 */
const CHATS = 30;

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('the sweeper', () => {
  it('[RT20] reads no conversation or message in a sweep when nothing is due, however many chats are open', async () => {
    h = await startHarness({ recordCommands: true });
    for (let i = 0; i < 3; i++) await h.onlineAgent(`Agent ${i}`, { capacity: CHATS });
    for (let i = 0; i < CHATS; i++) await h.startChat();
    expect(await h.c.conversations.countDocuments({ state: 'assigned' })).toBe(CHATS);
    // One timer per assigned chat, due at its first-reply deadline (the site's default 2 min).
    const timers = await h.c.timers.find({ kind: 'conversation' }).toArray();
    expect(timers).toHaveLength(CHATS);

    await h.hovor.sweep(); // the node's first sweep catches up once
    h.commands.length = 0;
    await h.hovor.sweep();
    const touched = h.commands.filter((c) =>
      ['conversations', 'conversation_activity', 'messages'].includes(c.collection),
    );
    expect(touched.filter((c) => c.name !== 'distinct')).toEqual([]);
    expect(h.commands.filter((c) => c.collection === 'timers').length).toBeGreaterThan(0);
  });
});
