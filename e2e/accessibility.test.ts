import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { axeViolations, chatFrameOf } from './support/axe.js';
import { saveArtifacts } from './support/browser.js';
import {
  agentAndVisitor,
  chatFrame,
  launcher,
  openMineFirst,
  openPage,
  signInAgent,
  useStackAndBrowser,
} from './support/suite.js';

const suite = useStackAndBrowser();

/** The launcher frame of a host page. */
const launcherFrameOf = (page: Page) => {
  const frame = page.frames().find((f) => f.url().includes('/widget/launcher.html'));
  if (!frame) throw new Error('no launcher frame');
  return frame;
};

describe('accessibility (WCAG 2.2 AA, checked by axe-core)', () => {
  it('finds no violation on the shop page with the launcher, nor on each screen of the chat', async () => {
    const { agent, visitor, close } = await agentAndVisitor(suite, { bypassCSP: true });

    await visitor.page.goto(`${suite.stack.demoUrl}/`);
    const launcherButton = launcher(visitor.page);
    await launcherButton.waitFor();
    expect(await axeViolations(visitor.page), 'shop page with the launcher').toEqual([]);
    expect(await axeViolations(launcherFrameOf(visitor.page)), 'the launcher').toEqual([]);

    // The chat, before anything was written.
    await launcherButton.click();
    const frame = chatFrame(visitor.page);
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.waitFor();
    const frameContext = await chatFrameOf(visitor.page);
    expect(await axeViolations(frameContext), 'empty chat').toEqual([]);

    // A conversation going on.
    await input.fill('Hello, is https://shop.example/mug dishwasher safe?');
    await input.press('Enter');
    await frame.getByRole('status').getByText('Connected with Alice').waitFor();
    await openMineFirst(agent.page);
    await agent.page.getByLabel('Reply').fill('Yes, it is: https://shop.example/care.');
    await agent.page.getByLabel('Reply').press('Enter');
    await frame.getByRole('link', { name: 'https://shop.example/care' }).waitFor();
    await frame.getByText('Read').first().waitFor();
    expect(await axeViolations(frameContext), 'chat with messages').toEqual([]);
    await frame.getByRole('button', { name: 'Insert emoji' }).click();
    await frame.getByRole('group', { name: 'Insert emoji' }).waitFor();
    expect(await axeViolations(frameContext), 'emoji grid open').toEqual([]);
    await frame.getByRole('button', { name: '👍' }).click();
    expect(await input.inputValue()).toBe('👍');
    await input.fill('');

    // Ended: the rating and the transcript.
    await agent.page.getByRole('button', { name: 'Close conversation' }).click();
    await frame.getByRole('group', { name: 'How was your chat?' }).waitFor();
    expect(await axeViolations(frameContext), 'ended chat with the rating').toEqual([]);
    // A mouse picks a star by its label; the radio inside is what assistive technology sees.
    await frame.locator('label', { has: frame.getByRole('radio', { name: '5 of 5, Excellent' }) }).click();
    await frame.getByRole('button', { name: 'Send rating' }).click();
    await frame.getByText('You rated this chat 5 of 5').waitFor();
    expect(await axeViolations(frameContext), 'ended chat, rated').toEqual([]);
    await close();
  });

  it('finds no violation on the leave-a-message form, also while it shows what to fix', async () => {
    const closedToday = { timeZone: 'UTC', weekly: {}, holidays: [] };
    await suite.stack.updateSite({ $set: { 'routing.businessHours': closedToday } });
    const context = await suite.browser.newContext({ bypassCSP: true });
    const visitor = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page).click();
      const frame = chatFrame(visitor.page);
      await frame.getByRole('heading', { name: 'Leave a message' }).waitFor();
      const frameContext = await chatFrameOf(visitor.page);
      expect(await axeViolations(frameContext), 'offline form').toEqual([]);
      await frame.getByRole('button', { name: 'Send message' }).click();
      await frame.locator('[aria-invalid="true"]').first().waitFor();
      expect(await axeViolations(frameContext), 'offline form with errors').toEqual([]);
    } finally {
      await suite.stack.updateSite({ $unset: { 'routing.businessHours': '' } });
      await context.close();
    }
  });

  it('finds no violation while waiting in the queue', async () => {
    // Nobody can take the chat: it waits.
    await suite.stack.c.agents.updateMany({}, { $set: { status: 'offline' } });
    const context = await suite.browser.newContext({ bypassCSP: true });
    const visitor = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page).click();
      const frame = chatFrame(visitor.page);
      const input = frame.getByRole('textbox', { name: 'Message' });
      await input.fill('Anyone there?');
      await input.press('Enter');
      await frame
        .getByRole('status')
        .getByText(/You are number \d+ in the queue/)
        .waitFor();
      const frameContext = await chatFrameOf(visitor.page);
      expect(await axeViolations(frameContext), 'queued chat').toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('finds no violation in the agent console: sign-in, and the inbox with a conversation open', async () => {
    const context = await suite.browser.newContext({ bypassCSP: true });
    const agent = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent }));
    await agent.page.goto(`${suite.stack.hovorUrl}/console/`);
    await agent.page.getByLabel('Email').waitFor();
    expect(await axeViolations(agent.page), 'sign-in').toEqual([]);
    await signInAgent(agent.page, suite.stack);
    await agent.page.getByRole('tab', { name: 'Closed' }).click();
    await agent.page
      .getByRole('button', { name: /visitor/i })
      .first()
      .click();
    await agent.page
      .getByRole('log', { name: 'Transcript' })
      .getByRole('link', { name: 'https://shop.example/care' })
      .waitFor();
    expect(await axeViolations(agent.page), 'inbox with a conversation').toEqual([]);
    await context.close();
  });

  it('finds no violation in the dark theme, which `auto` follows on a dark system', async () => {
    await suite.stack.updateSite({ $set: { theme: 'auto' } });
    const { agent, visitor, close } = await agentAndVisitor(suite, { bypassCSP: true, colorScheme: 'dark' });
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page).click();
      const frame = chatFrame(visitor.page);
      const input = frame.getByRole('textbox', { name: 'Message' });
      await input.fill('Hello in the dark, see https://shop.example/mug');
      await input.press('Enter');
      await frame.getByRole('status').getByText('Connected with Alice').waitFor();
      await openMineFirst(agent.page);
      await agent.page.getByLabel('Reply').fill('Hello! https://shop.example/care');
      await agent.page.getByLabel('Reply').press('Enter');
      await frame.getByRole('link', { name: 'https://shop.example/care' }).waitFor();
      expect(await frame.locator('html').getAttribute('data-theme')).toBe('dark');
      const frameContext = await chatFrameOf(visitor.page);
      expect(await axeViolations(frameContext), 'dark chat with messages').toEqual([]);
      await agent.page.getByRole('button', { name: 'Close conversation' }).click();
      await frame.getByRole('group', { name: 'How was your chat?' }).waitFor();
      expect(await axeViolations(frameContext), 'dark ended chat').toEqual([]);
    } finally {
      await suite.stack.updateSite({ $unset: { theme: '' } });
      await close();
    }
  });
});
