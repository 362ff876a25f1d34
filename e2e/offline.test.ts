import type { FrameLocator, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import { chatFrame, launcher, openPage, signInAgent, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

/** Opens the chat on the shop page unless the loader reopened it by itself (an ongoing conversation). */
async function openChat(page: Page): Promise<FrameLocator> {
  const launcherButton = launcher(page, /^(Open|Close) chat$/);
  await launcherButton.waitFor();
  if ((await launcherButton.getAttribute('aria-expanded')) !== 'true') await launcherButton.click();
  return chatFrame(page);
}

describe('a visitor leaves a message while the team is away, and an agent answers it', () => {
  it('[RT17][RT18] offers the form, stores a valid message once, and brings the reply to the next visit', async () => {
    // Outside business hours (the schedule has no opening today, whatever the day): the widget
    // offers the form instead of a chat.
    const closedToday = { timeZone: 'UTC', weekly: {}, holidays: [] };
    await suite.stack.updateSite({ $set: { 'routing.businessHours': closedToday } });
    const agentContext = await suite.browser.newContext();
    const visitorContext = await suite.browser.newContext();
    const agent = await openPage(agentContext);
    const visitor = await openPage(visitorContext);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, visitor }));

    await visitor.page.goto(`${suite.stack.demoUrl}/`);
    const frame = await openChat(visitor.page);
    await frame.getByRole('heading', { name: 'Leave a message' }).waitFor();
    expect(await frame.getByRole('button', { name: 'Send', exact: true }).count()).toBe(0);

    // A wrong e-mail address is caught in the browser: the field says why, nothing is stored.
    const email = frame.getByRole('textbox', { name: 'Email' });
    await frame.getByRole('textbox', { name: 'Name' }).fill('Ada Lovelace');
    await email.fill('ada@example');
    await frame.getByRole('textbox', { name: 'Message' }).fill('Do you ship to Norway?');
    await frame.getByRole('button', { name: 'Send message' }).click();
    await frame.getByText('Enter an e-mail address like name@example.com.').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.getAttribute('aria-describedby')).toBe('hv-email-error');
    expect(await suite.stack.c.conversations.countDocuments({ state: 'offline' })).toBe(0);

    // Fixed, the message is left and confirmed.
    await email.fill('ada@example.com');
    await frame.getByRole('button', { name: 'Send message' }).click();
    await frame.getByRole('status').getByText("Thanks! We'll get back to you.").waitFor();
    expect(await suite.stack.c.conversations.countDocuments({ state: 'offline' })).toBe(1);

    // The agent finds it under Offline messages and replies.
    await signInAgent(agent.page, suite.stack);
    await agent.page.getByRole('tab', { name: 'Offline messages' }).click();
    const list = agent.page.getByRole('tabpanel');
    await list.getByText('Do you ship to Norway?').waitFor();
    await list.getByRole('button', { name: 'Reply to Ada Lovelace' }).click();
    await agent.page.getByRole('tab', { name: 'Mine', selected: true }).waitFor();
    const transcript = agent.page.getByRole('log', { name: 'Transcript' });
    await transcript.getByText('Do you ship to Norway?').waitFor();
    const reply = agent.page.getByLabel('Reply');
    await reply.fill('Yes, in 3 to 5 days.');
    await reply.press('Enter');
    await transcript.getByText('Yes, in 3 to 5 days.').waitFor();
    // Stored (acked) before the visitor comes back.
    await transcript.getByRole('img', { name: 'Sending' }).waitFor({ state: 'detached' });

    // On the visitor's next page load the chat shows the answer.
    await visitor.page.reload();
    const again = await openChat(visitor.page);
    const messages = again.getByRole('log', { name: 'Messages' });
    await messages.getByText('Yes, in 3 to 5 days.').waitFor();
    await messages.getByText('Do you ship to Norway?').waitFor();
    await again.getByRole('status').getByText('Connected with Alice').waitFor();

    await agentContext.close();
    await visitorContext.close();
  });
});
