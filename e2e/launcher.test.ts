import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.js';
import {
  agentAndVisitor,
  chatFrame,
  launcher,
  launcherFrame,
  openMineFirst,
  useStackAndBrowser,
} from './support/suite.js';

const suite = useStackAndBrowser();

type Seen = Array<{ name: string; data: unknown }>;
type HovorFn = (...args: unknown[]) => unknown;

/** Subscribes to every page API event; `seen()` reads what arrived, in order. */
async function recordEvents(page: Page): Promise<() => Promise<Seen>> {
  await page.evaluate(() => {
    const w = window as unknown as { seen: Seen; Hovor: HovorFn };
    w.seen = [];
    const names = [
      'ready',
      'open',
      'close',
      'message',
      'unread',
      'conversation:started',
      'conversation:ended',
    ];
    for (const name of names) w.Hovor('on', name, (data: unknown) => w.seen.push({ name, data }));
  });
  return () => page.evaluate(() => (window as unknown as { seen: Seen }).seen);
}

const hovor = (page: Page, ...args: unknown[]) =>
  page.evaluate((a) => (window as unknown as { Hovor: HovorFn }).Hovor(...a), args);

describe('the launcher', () => {
  it('keeps unread agent messages on its badge and in the page title, also after a reload, and tells the page', async () => {
    const { agent, visitor, close } = await agentAndVisitor(suite, { bypassCSP: true });
    // Counts the chimes the chat plays (each is a new AudioContext), in every frame.
    await visitor.page.context().addInitScript(() => {
      const w = window as unknown as { chimes: number; AudioContext: typeof AudioContext };
      const Real = w.AudioContext;
      w.chimes = 0;
      w.AudioContext = class extends Real {
        constructor(options?: AudioContextOptions) {
          super(options);
          w.chimes++;
        }
      };
    });
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page).waitFor();
      const seen = await recordEvents(visitor.page);
      await launcher(visitor.page).click();
      const frame = chatFrame(visitor.page);
      const input = frame.getByRole('textbox', { name: 'Message' });
      await input.fill('Do you ship to Brno?');
      await input.press('Enter');
      await frame.getByRole('status').getByText('Connected with Alice').waitFor();
      const transcript = await openMineFirst(agent.page);
      await transcript.getByText('Do you ship to Brno?').waitFor();

      // The visitor minimizes; Alice answers twice.
      await frame.getByRole('button', { name: 'Minimize chat' }).click();
      await launcher(visitor.page).waitFor();
      const reply = agent.page.getByLabel('Reply');
      for (const text of ['Yes, we do.', 'In two days.']) {
        await reply.fill(text);
        await reply.press('Enter');
        await transcript.getByText(text).waitFor();
      }
      const badge = launcherFrame(visitor.page).locator('.badge');
      await expect.poll(() => badge.textContent()).toBe('2');
      // Each unseen agent message chimed once (the site's `sound` is on by default).
      const chat = visitor.page.frames().find((f) => f.url().includes('/widget/frame.html'))!;
      expect(await chat.evaluate(() => (window as unknown as { chimes: number }).chimes)).toBe(2);
      expect(await launcher(visitor.page).getAttribute('aria-label')).toBe('Open chat, 2 unread messages');
      const launcherContext = visitor.page.frames().find((f) => f.url().includes('/widget/launcher.html'))!;
      expect(await axeViolations(launcherContext), 'the launcher with unread messages').toEqual([]);
      await expect.poll(() => visitor.page.title(), { timeout: 5_000 }).toBe('(2) New messages');
      await expect.poll(() => visitor.page.title(), { timeout: 5_000 }).toBe('Demo Shop');

      // System lines (connected, …) are messages too; the page hears who wrote each.
      const isSystem = (e: Seen[number]) =>
        e.name === 'message' && (e.data as { from: string }).from === 'system';
      const all = await seen();
      expect(all.filter(isSystem).length).toBeGreaterThan(0);
      const events = all.filter((e) => !isSystem(e));
      const conversationId = (await suite.stack.c.conversations.findOne({}))!._id;
      expect(events.map((e) => e.name)).toEqual([
        'open',
        'conversation:started',
        'message',
        'close',
        'message',
        'unread',
        'message',
        'unread',
      ]);
      expect(events.filter((e) => e.name === 'message').map((e) => e.data)).toEqual([
        { conversationId, from: 'visitor' },
        { conversationId, from: 'agent' },
        { conversationId, from: 'agent' },
      ]);
      expect(events.filter((e) => e.name === 'unread').map((e) => e.data)).toEqual([
        { count: 1 },
        { count: 2 },
      ]);

      // A reload keeps the chat closed and the count: it comes from the server.
      await visitor.page.reload();
      await expect.poll(() => launcherFrame(visitor.page).locator('.badge').textContent()).toBe('2');
      expect(await launcher(visitor.page).getAttribute('aria-expanded')).toBe('false');

      // Opening reads them: the badge goes, the title stops flashing.
      const afterReload = await recordEvents(visitor.page);
      await launcher(visitor.page).click();
      await chatFrame(visitor.page).getByText('In two days.').waitFor();
      await expect.poll(() => launcherFrame(visitor.page).locator('.badge').textContent()).toBe('');
      await expect
        .poll(async () => (await afterReload()).at(-1))
        .toEqual({ name: 'unread', data: { count: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await visitor.page.title()).toBe('Demo Shop');

      // The agent ends the conversation: the page hears of it.
      await agent.page.getByRole('button', { name: 'Close conversation' }).click();
      await expect
        .poll(async () => (await afterReload()).find((e) => e.name === 'conversation:ended')?.data)
        .toEqual({ conversationId });
    } finally {
      await close();
    }
  });

  it('sits on the side the site chose with its words in the visitor’s language, hides and shows by the API, and checks calls', async () => {
    await suite.stack.updateSite({
      $set: {
        position: 'left',
        launcherText: 'Chat with us',
        texts: { cs: { launcherText: 'Napište nám' } },
      },
    });
    const context = await suite.browser.newContext({ locale: 'cs-CZ' });
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    try {
      await page.goto(`${suite.stack.demoUrl}/`);
      const button = launcher(page, 'Napište nám');
      await button.waitFor();
      // The loader places the frame once the launcher tells its layout, a moment after it drew.
      await expect
        .poll(async () => (await button.boundingBox())?.x ?? Number.POSITIVE_INFINITY)
        .toBeLessThan(page.viewportSize()!.width / 2);
      expect((await button.boundingBox())!.width).toBeGreaterThan(100);

      const seen = await recordEvents(page);
      await hovor(page, 'hide');
      await expect.poll(() => page.locator('iframe[title="Hovor launcher"]').isHidden()).toBe(true);
      // Hidden, the launcher still opens the chat for the page's own button.
      await hovor(page, 'open');
      await chatFrame(page).getByRole('textbox', { name: 'Zpráva' }).waitFor();
      await hovor(page, 'toggle');
      await expect.poll(() => page.locator('iframe[title="Hovor chat"]').isHidden()).toBe(true);
      await hovor(page, 'toggle');
      await expect.poll(() => page.locator('iframe[title="Hovor chat"]').isVisible()).toBe(true);
      await hovor(page, 'close');
      await hovor(page, 'show');
      await button.waitFor();
      await expect
        .poll(async () => (await seen()).map((e) => e.name))
        .toEqual(['open', 'close', 'open', 'close']);

      for (const call of [
        ['nonsense'],
        ['setLocale', 42],
        ['on', 'everything', () => {}],
        ['setDepartment', 'sales'],
      ]) {
        await page.evaluate(
          (c) =>
            (window as unknown as { Hovor: HovorFn }).Hovor(...c.map((a) => (a === 'fn' ? () => {} : a))),
          call.map((a) => (typeof a === 'function' ? 'fn' : a)),
        );
      }
      await expect.poll(() => log.filter((l) => l.startsWith('[warning] [Hovor] ignored')).length).toBe(4);
      expect(log.find((l) => l.includes("bad Hovor('setLocale'"))).toContain("use Hovor('setLocale', code)");
    } finally {
      await suite.stack.updateSite({ $unset: { position: '', launcherText: '', texts: '' } });
      await context.close();
    }
  });

  it('[P18] tells the agent the page the visitor is on, also after a single-page app’s navigation, as text', async () => {
    const { agent, visitor, close } = await agentAndVisitor(suite);
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/product`);
      await launcher(visitor.page).click();
      const input = chatFrame(visitor.page).getByRole('textbox', { name: 'Message' });
      await input.fill('Is this mug dishwasher safe?');
      await input.press('Enter');
      await openMineFirst(agent.page);
      const pages = agent.page.locator('.visited-pages');
      await pages.getByText('Stoneware mug — Demo Shop').first().waitFor();

      // The shop is a single-page app now: the address and the title change without a load.
      await visitor.page.evaluate(() => {
        history.pushState({}, '', '/cart?step=2');
        document.title = 'Cart <img src=x onerror="window.pwned=1">';
      });
      await pages.locator('p').getByText('Cart <img src=x onerror="window.pwned=1">').waitFor();
      await pages.locator('summary').click();
      const visited = agent.page.getByRole('list', { name: 'Pages visited' }).getByRole('link');
      await expect.poll(() => visited.count()).toBe(2);
      // [P18] Stored without its query unless the site keeps full addresses.
      expect(await visited.nth(1).getAttribute('href')).toBe(`${suite.stack.demoUrl}/cart`);
      expect(await visited.nth(1).getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(await agent.page.locator('.visited-pages img').count()).toBe(0);
      expect(
        await agent.page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
      ).toBeUndefined();
    } finally {
      await close();
    }
  });

  it('fills a phone’s screen with the chat and keeps it within the visible part when the keyboard takes some', async () => {
    const context = await suite.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const page = await context.newPage();
      await page.goto(`${suite.stack.demoUrl}/`);
      await launcher(page).tap();
      const input = chatFrame(page).getByRole('textbox', { name: 'Message' });
      await input.waitFor();
      const frame = page.locator('iframe[title="Hovor chat"]');
      expect(await frame.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
      // The visible part shrinks (as when the on-screen keyboard opens): the chat follows it.
      await page.setViewportSize({ width: 390, height: 500 });
      await expect.poll(async () => (await frame.boundingBox())?.height).toBe(500);
      // The chat, in a process of its own, lays itself out again a moment later.
      await expect
        .poll(async () => {
          const box = await input.boundingBox();
          return box ? box.y + box.height : Number.POSITIVE_INFINITY;
        })
        .toBeLessThanOrEqual(500);
      // Inputs of 16 px at least: iOS does not zoom the page when one gets the focus.
      expect(await input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    } finally {
      await context.close();
    }
  });
});
