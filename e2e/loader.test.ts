import { describe, expect, it } from 'vitest';
import { chatFrame, launcher, openPage, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

describe('the loader on the host page', () => {
  it('loads the chat only on intent, shifts no layout, and takes the calls the stub queued before it arrived', async () => {
    const context = await suite.browser.newContext({ locale: 'en-US' });
    const visitor = await openPage(context);
    // What a site puts before the snippet: the stub, and calls made at once.
    await visitor.page.addInitScript(() => {
      const w = window as unknown as {
        Hovor: ((...args: unknown[]) => void) & { q?: unknown[] };
        seen: string[];
        shift: number;
      };
      w.seen = [];
      w.shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.shift += (entry as unknown as { value: number }).value;
      }).observe({ type: 'layout-shift', buffered: true });
      w.Hovor = function (..._args: unknown[]) {
        w.Hovor.q = w.Hovor.q || [];
        // biome-ignore lint/complexity/noArguments: the stub as sites paste it stores `arguments`
        w.Hovor.q.push(arguments);
      };
      w.Hovor('on', 'ready', () => w.seen.push('ready'));
      w.Hovor('on', 'open', () => w.seen.push('open'));
      w.Hovor('setLocale', 'cs');
    });
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      const button = launcher(visitor.page, 'Otevřít chat');
      await button.waitFor();
      await expect
        .poll(() => visitor.page.evaluate(() => (window as unknown as { seen: string[] }).seen))
        .toEqual(['ready']);
      // No chat yet: it loads on intent.
      expect(await visitor.page.locator('iframe[title="Hovor chat"]').count()).toBe(0);
      await button.hover();
      await expect.poll(() => visitor.page.locator('iframe[title="Hovor chat"]').count()).toBe(1);
      expect(await visitor.page.locator('iframe[title="Hovor chat"]').isHidden()).toBe(true);
      await button.click();
      await chatFrame(visitor.page).getByRole('textbox', { name: 'Zpráva' }).waitFor();
      await expect
        .poll(() => visitor.page.evaluate(() => (window as unknown as { seen: string[] }).seen))
        .toEqual(['ready', 'open']);
      expect(await visitor.page.evaluate(() => (window as unknown as { shift: number }).shift)).toBe(0);
    } finally {
      await context.close();
    }
  });
});
