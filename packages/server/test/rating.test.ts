import type { OpenConversationResult, Rating, VisitorSyncResult } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientId, collect, type Harness, next, ok, startHarness } from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** A visitor whose chat an agent has answered and closed. */
async function endedChat() {
  const agent = await h.onlineAgent('Alice');
  const visitor = await h.startChat();
  const conversationId = visitor.conversation.id;
  await ok(agent.socket, 'message:send', {
    conversationId,
    clientMsgId: clientId(),
    text: 'How can I help?',
  });
  await ok(agent.socket, 'conversation:close', { conversationId });
  return { agent, visitor, conversationId };
}

describe('rating a conversation', () => {
  it('[P17] stores the rating, tells the agent, and returns it with the transcript on both sides', async () => {
    const { agent, visitor, conversationId } = await endedChat();
    const heard = next<Rating>(agent.socket, 'conversation:rated');
    const rating = await ok<Rating>(visitor.socket, 'conversation:rate', {
      conversationId,
      requestId: clientId(),
      score: 4,
      comment: '  Quick and kind.  ',
    });
    expect(rating).toMatchObject({ conversationId, score: 4, comment: 'Quick and kind.' });
    expect(await heard).toEqual(rating);

    const sync = await ok<VisitorSyncResult>(visitor.socket, 'conversation:sync', {
      conversationId,
      afterSeq: 0,
    });
    expect(sync.rating).toEqual(rating);
    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId,
      afterSeq: 0,
    });
    expect(opened.rating).toEqual(rating);
    expect(await h.c.ratings.findOne({ _id: conversationId })).toMatchObject({
      siteId: h.site.id,
      agentId: agent.id,
      score: 4,
    });
  });

  it('[P17] stores one rating for the same requestId sent 5 times at once and 5 times in a row, and announces it once', async () => {
    const { agent, visitor, conversationId } = await endedChat();
    const announced = collect<Rating>(agent.socket, 'conversation:rated');
    const input = { conversationId, requestId: clientId(), score: 5, comment: 'Great' };
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => ok<Rating>(visitor.socket, 'conversation:rate', input)),
    );
    const sequential: Rating[] = [];
    for (let i = 0; i < 5; i++) sequential.push(await ok<Rating>(visitor.socket, 'conversation:rate', input));

    for (const answer of [...concurrent, ...sequential]) expect(answer).toEqual(concurrent[0]);
    expect(await h.c.ratings.countDocuments({ _id: conversationId })).toBe(1);
    // The announcement precedes the ack of the winning attempt; a marker after it shows no more came.
    await ok(agent.socket, 'conversation:open', { conversationId, afterSeq: 0 });
    expect(announced).toHaveLength(1);
  });

  it('[P17] keeps the first rating: another request answers CONFLICT and changes nothing', async () => {
    const { visitor, conversationId } = await endedChat();
    const first = await ok<Rating>(visitor.socket, 'conversation:rate', {
      conversationId,
      requestId: clientId(),
      score: 2,
    });
    expect(first.comment).toBeNull();
    const second = await call(visitor.socket, 'conversation:rate', {
      conversationId,
      requestId: clientId(),
      score: 5,
    });
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const sync = await ok<VisitorSyncResult>(visitor.socket, 'conversation:sync', {
      conversationId,
      afterSeq: 0,
    });
    expect(sync.rating).toEqual(first);
  });

  it('[P17][P10][P4] refuses a chat no agent answered, another visitor’s chat, and bad scores or comments', async () => {
    const queued = await h.startChat();
    expect(
      await call(queued.socket, 'conversation:rate', {
        conversationId: queued.conversation.id,
        requestId: clientId(),
        score: 3,
      }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const { conversationId } = await endedChat();
    expect(
      await call(queued.socket, 'conversation:rate', { conversationId, requestId: clientId(), score: 3 }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    for (const bad of [
      { score: 0 },
      { score: 6 },
      { score: 3.5 },
      { score: 4, comment: 'x'.repeat(1001) },
      { score: 4, extra: true },
    ]) {
      expect(
        await call(queued.socket, 'conversation:rate', { conversationId, requestId: clientId(), ...bad }),
      ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await h.c.ratings.countDocuments({})).toBe(0);
  });
});
