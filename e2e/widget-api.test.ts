import { describe, expect, it, onTestFailed } from 'vitest';
import { recordConsole, saveArtifacts } from './support/browser.js';
import { launcher, STEP_TIMEOUT_MS, signInAgent, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

type Seen = Array<{ name: string; data: Record<string, unknown> }>;

describe('the widget API on the host page', () => {
  it('[RT13][RT17] reports availability, the queue place and the assigned agent, and warns about a bad call', async () => {
    const visitorContext = await suite.browser.newContext();
    const agentContext = await suite.browser.newContext();
    const visitor = { page: await visitorContext.newPage(), log: [] as string[] };
    const agent = { page: await agentContext.newPage(), log: [] as string[] };
    visitor.log = recordConsole(visitor.page);
    agent.log = recordConsole(agent.page);
    visitor.page.setDefaultTimeout(STEP_TIMEOUT_MS);
    agent.page.setDefaultTimeout(STEP_TIMEOUT_MS);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor, agent }));

    await visitor.page.goto(`${suite.stack.demoUrl}/`);
    const launcherButton = launcher(visitor.page);
    await launcherButton.waitFor();
    await visitor.page.evaluate(() => {
      const seen: Array<{ name: string; data: unknown }> = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      const hovor = (window as unknown as { Hovor: (...args: unknown[]) => unknown }).Hovor;
      for (const name of ['availability', 'queue:position', 'agent:assigned']) {
        hovor('on', name, (data: unknown) => seen.push({ name, data }));
      }
    });
    const seen = () => visitor.page.evaluate(() => (window as unknown as { seen: Seen }).seen);

    // Nobody is online: the chat is open for business but everyone is busy, so: queue.
    await launcherButton.click();
    const frame = visitor.page.frameLocator('iframe[title="Hovor chat"]');
    await expect
      .poll(async () => (await seen()).find((e) => e.name === 'availability')?.data.mode, {
        timeout: STEP_TIMEOUT_MS,
      })
      .toBe('queue');
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('Is anyone there?');
    await input.press('Enter');
    await expect
      .poll(async () => (await seen()).find((e) => e.name === 'queue:position')?.data.position, {
        timeout: STEP_TIMEOUT_MS,
      })
      .toBe(1);

    await signInAgent(agent.page, suite.stack, { isOnline: true });
    await expect
      .poll(async () => (await seen()).find((e) => e.name === 'agent:assigned')?.data.name, {
        timeout: STEP_TIMEOUT_MS,
      })
      .toBe('Alice');

    const warningsBefore = visitor.log.filter(
      (line) => line.startsWith('[warning]') && line.includes('[Hovor]'),
    ).length;
    await visitor.page.evaluate(() =>
      (window as unknown as { Hovor: (c: string) => void }).Hovor('nonsense'),
    );
    await expect
      .poll(
        () => visitor.log.filter((line) => line.startsWith('[warning]') && line.includes('[Hovor]')).length,
      )
      .toBe(warningsBefore + 1);
    await visitorContext.close();
    await agentContext.close();
  });
});
