import { hashPassword } from '@hovor/server/testing';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { axeViolations, chatFrameOf } from './support/axe.js';
import { saveArtifacts } from './support/browser.js';
import {
  chatFrame,
  launcher,
  openMineFirst,
  openPage,
  signInAgent,
  useStackAndBrowser,
} from './support/suite.js';

const suite = useStackAndBrowser();

const REASON = 'Insults the agent in every message';

describe('blocking a visitor from the console [P26]', () => {
  it('[P26] blocks the visitor with a reason, shows them only that the chat is not available, and a supervisor unblocks them', async () => {
    const { stack } = suite;
    // `bypassCSP` lets axe into the console and the chat frame.
    const contexts: BrowserContext[] = [];
    const open = async () => {
      const context = await suite.browser.newContext({ bypassCSP: true });
      contexts.push(context);
      return openPage(context);
    };
    const agent = await open();
    const visitor = await open();
    const supervisor = await open();
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, visitor, supervisor }));
    onTestFinished(async () => {
      for (const context of contexts) await context.close();
    });

    await signInAgent(agent.page, stack, { isOnline: true });
    await visitor.page.goto(`${stack.demoUrl}/`);
    await launcher(visitor.page).click();
    const frame = chatFrame(visitor.page);
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('You are all useless');
    await input.press('Enter');
    await frame.getByRole('status').getByText('Connected with Alice').waitFor();
    const { visitorName } = (await stack.c.conversations.findOne({}))!;

    // The agent opens the chat and blocks: the dialog asks for a reason first.
    await openMineFirst(agent.page);
    await agent.page.getByRole('button', { name: 'Block visitor' }).click();
    const dialog = agent.page.getByRole('dialog', { name: `Block ${visitorName}?` });
    const reason = dialog.getByLabel('Reason');
    await reason.waitFor();
    expect(await reason.evaluate((element) => element === document.activeElement)).toBe(true);
    await dialog.getByRole('button', { name: 'Block visitor' }).click();
    await dialog.getByText('Enter a reason.').waitFor();
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await stack.c.visitorBlocks.countDocuments({})).toBe(0);
    expect(await axeViolations(agent.page), 'the block dialog, asking for a reason').toEqual([]);

    await reason.fill(REASON);
    await dialog.getByRole('button', { name: 'Block visitor' }).click();
    await agent.page.getByText(`Visitor blocked by Alice`).waitFor();
    await agent.page.getByText('This conversation is closed.').waitFor();
    expect(await stack.c.visitorBlocks.findOne({})).toMatchObject({ reason: REASON, visitorName });

    // The visitor's chat says only that it is not available: nothing to type into.
    const unavailable = frame.getByRole('status').getByText('Chat is not available right now.');
    await unavailable.waitFor();
    await frame.getByRole('button', { name: 'Close chat' }).waitFor();
    expect(await frame.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    expect(await frame.locator('#app').textContent()).not.toMatch(/block/i);
    expect(await axeViolations(await chatFrameOf(visitor.page)), 'the unavailable chat').toEqual([]);

    // A supervisor finds the visitor in the list of blocked visitors and unblocks them, after asking.
    const sam = { email: 'sam@shop.test', password: 'e2e-password-456', name: 'Sam' };
    const site = await stack.c.sites.findOne({ key: 'e2e-shop' });
    await stack.hovor.repositories.agents.create(
      {
        email: sam.email,
        name: sam.name,
        passwordHash: await hashPassword(sam.password),
        role: 'supervisor',
        siteIds: [site!._id],
      },
      new Date(),
    );
    await signInAgent(supervisor.page, { ...stack, agent: sam });
    await supervisor.page.getByRole('button', { name: 'Blocked visitors' }).click();
    const list = supervisor.page.getByRole('dialog', { name: 'Blocked visitors' });
    await list.getByText(REASON).waitFor();
    await list.getByRole('button', { name: `Unblock ${visitorName}` }).click();
    const confirm = supervisor.page.getByRole('alertdialog', { name: `Unblock ${visitorName}?` });
    await confirm.getByRole('button', { name: 'Unblock', exact: true }).click();
    await list.getByRole('status').getByText(`${visitorName} can chat again.`).waitFor();
    await list.getByText('No visitor is blocked.').waitFor();
    expect(await stack.c.visitorBlocks.countDocuments({})).toBe(0);

    // Back on the shop, the visitor can write again.
    await visitor.page.reload();
    await launcher(visitor.page).click();
    await chatFrame(visitor.page).getByRole('textbox', { name: 'Message' }).waitFor();
  });
});
