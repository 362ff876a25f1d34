import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { axeViolations } from './support/axe.js';
import { saveArtifacts } from './support/browser.js';
import { openPage, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

const NEW_PASSWORD = 'a brand new passphrase';
const SESSION_ENDED = 'Your session has ended. Sign in again.';

/** The console's sign-in form, filled with the stack's agent's e-mail and `password`. */
async function signIn(page: Page, password: string): Promise<void> {
  await page.getByLabel('Email').fill(suite.stack.agent.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await accountButton(page).waitFor();
}

/** The agent's name in the top bar, which opens the account menu. */
const accountButton = (page: Page) => page.getByRole('button', { name: suite.stack.agent.name, exact: true });

/**
 * Two consoles of the same agent, each in a browser of its own (`bypassCSP` lets axe in); both
 * are saved as artefacts when the test fails and closed when it ends.
 */
async function twoConsoles() {
  const contexts: BrowserContext[] = [];
  const open = async () => {
    const context = await suite.browser.newContext({ bypassCSP: true });
    contexts.push(context);
    const opened = await openPage(context);
    await opened.page.goto(`${suite.stack.hovorUrl}/console/`);
    await signIn(opened.page, suite.stack.agent.password);
    return opened;
  };
  const here = await open();
  const there = await open();
  onTestFailed(async ({ task }) => saveArtifacts(task.name, { here, there }));
  onTestFinished(async () => {
    for (const context of contexts) await context.close();
  });
  return { here: here.page, there: there.page };
}

const sessionsOfAgent = async () => {
  const agent = await suite.stack.c.agents.findOne({ email: suite.stack.agent.email });
  return suite.stack.c.sessions.countDocuments({ agentId: agent?._id });
};

describe('the agent account in the console', () => {
  it('[P25] changes the password only with the right current one, and ends the agent’s other sessions', async () => {
    const { stack } = suite;
    const { here, there } = await twoConsoles();
    const before = (await stack.c.agents.findOne({ email: stack.agent.email }))?.passwordHash;
    if (!before) throw new Error('the stack has no agent with a password');
    const sessionsBefore = await sessionsOfAgent();
    // The next test signs in with the stack's password again.
    onTestFinished(async () => {
      await stack.c.agents.updateOne({ email: stack.agent.email }, { $set: { passwordHash: before } });
    });

    await accountButton(here).click();
    await here.getByRole('menuitem', { name: 'Change password' }).click();
    const dialog = here.getByRole('dialog', { name: 'Change password' });
    const current = dialog.getByLabel('Current password');
    await current.waitFor();
    expect(await current.evaluate((input) => input === document.activeElement)).toBe(true);
    expect(await axeViolations(here), 'the change-password dialog').toEqual([]);

    // The form's own checks, then the server's refusal of a wrong current password: nothing changes.
    const submit = dialog.getByRole('button', { name: 'Change password' });
    await current.fill('not my password');
    await dialog.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await dialog.getByLabel('Confirm new password').fill(`${NEW_PASSWORD}!`);
    await submit.click();
    await dialog.getByText('The new passwords do not match.').waitFor();
    await dialog.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await submit.click();
    await dialog.getByRole('alert').getByText('The current password is wrong.').waitFor();
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    expect((await stack.c.agents.findOne({ email: stack.agent.email }))?.passwordHash).toBe(before);
    expect(await sessionsOfAgent()).toBe(sessionsBefore);

    // The right one: this console stays, the other one is sent to the sign-in form.
    await current.fill(stack.agent.password);
    await submit.click();
    await dialog
      .getByRole('status')
      .getByText('Password changed. Your other sessions were signed out.')
      .waitFor();
    await there.getByRole('alert').getByText(SESSION_ENDED).waitFor();
    expect(await axeViolations(there), 'the sign-in form saying the session has ended').toEqual([]);
    expect(await sessionsOfAgent()).toBe(1);

    // Escape closes the dialog and gives the focus back to the menu's button; this console still works.
    await here.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await accountButton(here).evaluate((button) => button === document.activeElement)).toBe(true);
    await here.getByLabel('Status').selectOption('away');
    await expect
      .poll(async () => (await stack.c.agents.findOne({ email: stack.agent.email }))?.status)
      .toBe('away');

    await signIn(there, NEW_PASSWORD);
  });

  it('[P25] signs out everywhere, after asking: every console of the agent returns to the sign-in form', async () => {
    const { here, there } = await twoConsoles();

    await accountButton(here).click();
    await here.getByRole('menuitem', { name: 'Sign out everywhere' }).click();
    const confirm = here.getByRole('alertdialog', { name: 'Sign out everywhere?' });
    await confirm.getByRole('button', { name: 'Sign out everywhere' }).click();

    await here.getByRole('alert').getByText('You are signed out on every device.').waitFor();
    await here.getByRole('button', { name: 'Sign in' }).waitFor();
    await there.getByRole('alert').getByText(SESSION_ENDED).waitFor();
    expect(await sessionsOfAgent()).toBe(0);
  });
});
