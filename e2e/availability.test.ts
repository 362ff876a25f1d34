import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import { launcher, openPage, signInAgent, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

type Watched = { modes: string[]; flashed: boolean };

describe('a site that hides the widget while offline [P22]', () => {
  it('shows no launcher, not even for a moment, while nobody is online, tells the page, and shows it on the next page once an agent is', async () => {
    await suite.stack.updateSite({
      $set: { 'routing.hideWhenOffline': true, 'routing.offlineWhenNoAgents': true },
    });
    const visitorContext = await suite.browser.newContext();
    const agentContext = await suite.browser.newContext();
    const visitor = await openPage(visitorContext);
    const agent = await openPage(agentContext);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor, agent }));
    // The site's stub and a listener before the loader; and a watch, every frame, on whether the
    // launcher's frame was ever drawn.
    await visitor.page.addInitScript(() => {
      const w = window as unknown as Watched & { Hovor: ((...args: unknown[]) => void) & { q?: unknown[] } };
      w.modes = [];
      w.flashed = false;
      w.Hovor = function (..._args: unknown[]) {
        w.Hovor.q = w.Hovor.q || [];
        // biome-ignore lint/complexity/noArguments: the stub as sites paste it stores `arguments`
        w.Hovor.q.push(arguments);
      };
      w.Hovor('on', 'availability', (a: { mode: string }) => w.modes.push(a.mode));
      const watch = () => {
        document.querySelectorAll('div').forEach((el) => {
          const frame = el.shadowRoot?.querySelector<HTMLIFrameElement>('iframe[title="Hovor launcher"]');
          if (frame && !frame.hidden && frame.offsetWidth > 0) w.flashed = true;
        });
        requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
    });
    const modes = () => visitor.page.evaluate(() => (window as unknown as Watched).modes);
    const flashed = () => visitor.page.evaluate(() => (window as unknown as Watched).flashed);
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await expect.poll(modes).toEqual(['hidden']);
      const frame = visitor.page.locator('iframe[title="Hovor launcher"]');
      expect(await frame.evaluate((el) => (el as HTMLIFrameElement).hidden)).toBe(true);
      expect(await flashed()).toBe(false);
      expect(await visitor.page.locator('iframe[title="Hovor chat"]').count()).toBe(0);

      // An agent comes online: the next page has the launcher, and the page hears it is live.
      await signInAgent(agent.page, suite.stack, { isOnline: true });
      await visitor.page.reload();
      await launcher(visitor.page).waitFor();
      await expect.poll(modes).toEqual(['live']);
    } finally {
      await visitorContext.close();
      await agentContext.close();
      await suite.stack.updateSite({
        $set: { 'routing.hideWhenOffline': false, 'routing.offlineWhenNoAgents': false },
      });
    }
  });
});
