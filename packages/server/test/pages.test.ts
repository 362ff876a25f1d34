import type { OpenConversationResult, PageView } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientId, collect, type Harness, next, ok, startHarness } from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const SHOP = 'https://shop.example';

describe('the pages a visitor views', () => {
  it('[P18] stores a page without its query and fragment unless the site keeps full addresses', async () => {
    const visitor = await h.visitor();
    await ok(visitor.socket, 'page:view', {
      url: `${SHOP}/reset?token=s3cret&email=a@b.c#top`,
      title: 'Reset',
    });
    expect((await h.c.pageViews.findOne({ visitorId: visitor.visitorId }))?.url).toBe(`${SHOP}/reset`);
    await h.hovor.repositories.sites.update(h.site.id, { $set: { keepsFullPageUrls: true } });
    await ok(visitor.socket, 'page:view', { url: `${SHOP}/search?q=mug`, title: 'Search' });
    expect(
      (await h.c.pageViews.find({ visitorId: visitor.visitorId }).sort({ viewedAt: 1 }).toArray()).map(
        (v) => v.url,
      ),
    ).toEqual([`${SHOP}/reset`, `${SHOP}/search?q=mug`]);
  });

  it('[P18] records the visit before the chat and each page during it, once each, and shows them to the agent live', async () => {
    const agent = await h.onlineAgent('Alice');
    const visitor = await h.visitor();
    // Before the chat: two pages, the second sent twice (a reconnect repeats the current page).
    await ok(visitor.socket, 'page:view', { url: `${SHOP}/`, title: 'Shop' });
    await ok(visitor.socket, 'page:view', { url: `${SHOP}/mug`, title: 'Mug' });
    await ok(visitor.socket, 'page:view', { url: `${SHOP}/mug`, title: 'Mug' });
    const conversation = await ok<{ id: string }>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });
    const conversationId = conversation.id;
    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId,
      afterSeq: 0,
    });
    expect(opened.pages.map((p) => [p.url, p.title])).toEqual([
      [`${SHOP}/`, 'Shop'],
      [`${SHOP}/mug`, 'Mug'],
    ]);

    // During the chat (a single-page app's navigation, say): the assigned agent hears of it.
    const heard = next<{ conversationId: string; page: PageView }>(agent.socket, 'conversation:page');
    await ok(visitor.socket, 'page:view', { url: `${SHOP}/cart#step-2`, title: 'Cart — <b>2 items</b>' });
    expect(await heard).toMatchObject({
      conversationId,
      page: { url: `${SHOP}/cart`, title: 'Cart — <b>2 items</b>' },
    });
    const again = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId,
      afterSeq: 0,
    });
    expect(again.pages).toHaveLength(3);
    expect(await h.c.pageViews.countDocuments({ visitorId: visitor.visitorId })).toBe(3);
  });

  it('[P18] ends a conversation’s pages when it closes, and announces nothing after', async () => {
    const agent = await h.onlineAgent('Alice');
    const visitor = await h.startChat();
    const conversationId = visitor.conversation.id;
    await ok(visitor.socket, 'page:view', { url: `${SHOP}/`, title: 'Shop' });
    await ok(agent.socket, 'conversation:close', { conversationId });
    const announced = collect(agent.socket, 'conversation:page');
    await ok(visitor.socket, 'page:view', { url: `${SHOP}/later`, title: 'Later' });
    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId,
      afterSeq: 0,
    });
    expect(opened.pages.map((p) => p.url)).toEqual([`${SHOP}/`]);
    expect(announced).toEqual([]);
  });

  it('[P18][P4] refuses what is not an http(s) page or is too long, and stores nothing', async () => {
    const visitor = await h.visitor();
    for (const input of [
      { url: 'javascript:alert(1)', title: 'x' },
      { url: 'data:text/html,<script>alert(1)</script>', title: 'x' },
      { url: `${SHOP}/${'a'.repeat(2048)}`, title: 'x' },
      { url: `${SHOP}/`, title: 't'.repeat(301) },
      { url: `${SHOP}/`, title: 'x', extra: true },
    ]) {
      expect(await call(visitor.socket, 'page:view', input)).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    expect(await h.c.pageViews.countDocuments({})).toBe(0);
  });
});
