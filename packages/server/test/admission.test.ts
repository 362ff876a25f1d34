import { afterEach, describe, expect, it } from 'vitest';
import { call, clientId, type Harness, startHarness } from './support/harness.js';

/** [A4] Admission control: a node bounds its commands in flight and refuses the rest at once. */
const MAX_IN_FLIGHT = 4;
const VISITORS = 10;
const MESSAGES_EACH = 6;

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('admission control', () => {
  it('[A4] answers commands past the bound UNAVAILABLE at once with a retry-after, and never does their work', async () => {
    h = await startHarness({ maxCommandsInFlight: MAX_IN_FLIGHT });
    await h.onlineAgent('Alice', { capacity: VISITORS });
    const chats = [];
    for (let i = 0; i < VISITORS; i++) chats.push(await h.startChat());

    const sends = chats.flatMap((chat) =>
      Array.from({ length: MESSAGES_EACH }, () => ({
        socket: chat.socket,
        input: { conversationId: chat.conversation.id, clientMsgId: clientId(), text: 'at once' },
      })),
    );
    const answers = await Promise.all(sends.map((send) => call(send.socket, 'message:send', send.input)));
    const refused = sends.filter((_, i) => !answers[i]!.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of answers.filter((a) => !a.ok)) {
      expect(answer.error.code).toBe('UNAVAILABLE');
      expect(answer.error.retryAfterMs).toBeGreaterThan(0);
    }
    // Only what was answered ok is stored: the refused sends were never started.
    const texts = () => h.c.messages.countDocuments({ kind: 'text' });
    expect(await texts()).toBe(sends.length - refused.length);

    // Sent again one at a time, each refused message is stored, once.
    for (const send of refused) {
      expect((await call(send.socket, 'message:send', send.input)).ok).toBe(true);
    }
    expect(await texts()).toBe(sends.length);
  });
});
