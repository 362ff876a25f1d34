import type { FrameLocator, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import {
  chatFrame,
  launcher,
  openPage,
  STEP_TIMEOUT_MS,
  signInAgent,
  useStackAndBrowser,
} from './support/suite.js';

const suite = useStackAndBrowser();

/** Opens the widget on the shop page and sends a first message; returns the chat frame. */
async function startChat(page: Page, text: string): Promise<FrameLocator> {
  await page.goto(`${suite.stack.demoUrl}/`);
  await launcher(page).click();
  const frame = chatFrame(page);
  const input = frame.getByRole('textbox', { name: 'Message' });
  await input.fill(text);
  await input.press('Enter');
  await frame.getByRole('log', { name: 'Messages' }).getByText('Sent').first().waitFor();
  return frame;
}

describe('visitors wait in a queue that agents take from', () => {
  it('[RT13][RT14] shows each visitor their place, and the agent the waits and a Take button', async () => {
    // With the manual strategy nothing is assigned by itself, so the queue stays observable.
    await suite.stack.updateSite({ $set: { 'routing.strategy': 'manual' } });
    const agentContext = await suite.browser.newContext();
    const firstContext = await suite.browser.newContext();
    const secondContext = await suite.browser.newContext();
    const agent = await openPage(agentContext);
    const first = await openPage(firstContext);
    const second = await openPage(secondContext);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, first, second }));

    // Two visitors write while no agent is online: they learn their places.
    const firstFrame = await startChat(first.page, 'Is the blue jacket in stock?');
    await firstFrame.getByRole('status').getByText('You are number 1 in the queue').waitFor();
    const secondFrame = await startChat(second.page, 'Do you ship to Norway?');
    await secondFrame.getByRole('status').getByText('You are number 2 in the queue').waitFor();
    await firstFrame.getByRole('status').getByText('You are number 1 in the queue').waitFor();

    // The agent, still offline, sees both in the Queue tab, oldest first, with ticking waits.
    await signInAgent(agent.page, suite.stack);
    const queued = await suite.stack.c.conversations
      .find({ state: 'queued' })
      .sort({ queuedAt: 1 })
      .toArray();
    const [firstName, secondName] = queued.map((c) => c.visitorName);
    expect(queued).toHaveLength(2);
    expect(firstName).not.toBe(secondName);
    const queue = agent.page.getByRole('tabpanel');
    await agent.page.getByRole('tab', { name: 'Queue' }).click();
    const rows = queue.getByRole('listitem');
    await expect.poll(() => rows.count(), { timeout: STEP_TIMEOUT_MS }).toBe(2);
    await rows.nth(0).getByText(firstName!).waitFor();
    await rows.nth(1).getByText(secondName!).waitFor();
    const firstWait = rows.nth(0).getByText(/^waiting \d+:\d\d$/);
    await rows
      .nth(1)
      .getByText(/^waiting \d+:\d\d$/)
      .waitFor();
    const waitBefore = await firstWait.textContent();
    await expect.poll(() => firstWait.textContent(), { timeout: STEP_TIMEOUT_MS }).not.toBe(waitBefore);

    // Taking needs an online agent with a free slot: the server's refusal is shown.
    await agent.page.getByRole('button', { name: `Take conversation with ${firstName}` }).click();
    await agent.page
      .getByRole('alert')
      .getByText(/go online/i)
      .waitFor();
    await agent.page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await rows.count()).toBe(2);

    // Online, the agent takes the first visitor: it opens under Mine, the second moves up.
    await agent.page.getByLabel('Status').selectOption('online');
    await expect
      .poll(async () => (await suite.stack.c.agents.findOne({ email: suite.stack.agent.email }))?.status)
      .toBe('online');
    await agent.page.getByRole('button', { name: `Take conversation with ${firstName}` }).click();
    await agent.page.getByRole('tab', { name: 'Mine', selected: true }).waitFor();
    await agent.page
      .getByRole('log', { name: 'Transcript' })
      .getByText('Is the blue jacket in stock?')
      .waitFor();
    await firstFrame.getByRole('status').getByText('Connected with Alice').waitFor();
    await secondFrame.getByRole('status').getByText('You are number 1 in the queue').waitFor();

    // Then the second one.
    await agent.page.getByRole('tab', { name: 'Queue' }).click();
    await agent.page.getByRole('button', { name: `Take conversation with ${secondName}` }).click();
    await secondFrame.getByRole('status').getByText('Connected with Alice').waitFor();
    await agent.page.getByRole('tab', { name: 'Queue' }).click();
    await queue.getByText('No visitor is waiting.').waitFor();
    expect(await suite.stack.c.conversations.countDocuments({ state: 'assigned' })).toBe(2);

    await agentContext.close();
    await firstContext.close();
    await secondContext.close();
  });
});
