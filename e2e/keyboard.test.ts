import type { Frame, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { chatFrameOf } from './support/axe.js';
import { saveArtifacts } from './support/browser.js';
import { chatFrame, launcher, openPage, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

/**
 * The accessible name of what has the keyboard focus on the host page, inside the launcher frame
 * too. The launcher frame is asked first: it is a frame of another site (another process), so the
 * page may still report its body for a moment after the frame's button took the focus.
 */
async function focusedOnPage(page: Page): Promise<string | null> {
  const nameOfActive = () => {
    const active = document.activeElement?.shadowRoot?.activeElement ?? document.activeElement;
    return (
      active?.getAttribute('aria-label') ??
      active?.getAttribute('title') ??
      active?.tagName.toLowerCase() ??
      null
    );
  };
  const launcherFrame = page.frames().find((f) => f.url().includes('/widget/launcher.html'));
  const inLauncher = await launcherFrame?.evaluate(() =>
    document.hasFocus() ? (document.activeElement?.getAttribute('aria-label') ?? null) : null,
  );
  return inLauncher ?? page.evaluate(nameOfActive);
}

/** What has the focus inside the chat frame, by its label or role. */
const focusedInFrame = (frame: Frame) =>
  frame.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return null;
    const label = active.id ? document.querySelector(`label[for="${active.id}"]`)?.textContent : null;
    return active.getAttribute('aria-label') ?? label ?? active.textContent?.trim() ?? active.tagName;
  });

describe('keyboard only', () => {
  it('reaches the launcher, opens the chat with focus in it, writes, and closes with Escape back to the launcher', async () => {
    const context = await suite.browser.newContext();
    const visitor = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
    await visitor.page.goto(`${suite.stack.demoUrl}/`);
    await launcher(visitor.page).waitFor();

    // Tab through the shop's own links to the launcher, the last control on the page.
    // While the focus moves into the cross-site frame, the page names the frame: wait it out.
    const settledFocus = async () => {
      await expect.poll(() => focusedOnPage(visitor.page)).not.toBe('Hovor launcher');
      return focusedOnPage(visitor.page);
    };
    for (let i = 0; i < 10 && (await settledFocus()) !== 'Open chat'; i++) {
      await visitor.page.keyboard.press('Tab');
    }
    await expect.poll(() => focusedOnPage(visitor.page)).toBe('Open chat');

    // Enter opens the chat and puts the focus in the message box.
    await visitor.page.keyboard.press('Enter');
    const frame = await chatFrameOf(visitor.page);
    await chatFrame(visitor.page).getByRole('textbox', { name: 'Message' }).waitFor();
    await expect.poll(() => focusedInFrame(frame)).toBe('Message');
    await visitor.page.keyboard.type('Typed without a mouse');
    // Tab reaches the emoji button: Enter opens the grid on its first emoji, the arrows move,
    // Enter inserts where the caret was and gives the focus back to the message box.
    await visitor.page.keyboard.press('Tab');
    await expect.poll(() => focusedInFrame(frame)).toBe('Attach a file');
    await visitor.page.keyboard.press('Tab');
    await expect.poll(() => focusedInFrame(frame)).toBe('Insert emoji');
    await visitor.page.keyboard.press('Enter');
    await expect.poll(() => focusedInFrame(frame)).toBe('😀');
    await visitor.page.keyboard.press('ArrowRight');
    await visitor.page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedInFrame(frame)).toBe('🤔');
    await visitor.page.keyboard.press('Enter');
    await expect.poll(() => focusedInFrame(frame)).toBe('Message');
    const message = chatFrame(visitor.page).getByRole('textbox', { name: 'Message' });
    expect(await message.inputValue()).toBe('Typed without a mouse🤔');
    // Escape closes the grid, not the chat.
    await visitor.page.keyboard.press('Tab');
    await visitor.page.keyboard.press('Tab');
    await visitor.page.keyboard.press('Enter');
    await expect.poll(() => focusedInFrame(frame)).toBe('😀');
    await visitor.page.keyboard.press('Escape');
    await expect.poll(() => focusedInFrame(frame)).toBe('Insert emoji');
    expect(await chatFrame(visitor.page).getByRole('group', { name: 'Insert emoji' }).count()).toBe(0);
    // Tab reaches Send (enabled once there is text); Shift+Tab goes back; Enter sends.
    await visitor.page.keyboard.press('Tab');
    await expect.poll(() => focusedInFrame(frame)).toBe('Send');
    await visitor.page.keyboard.press('Shift+Tab');
    await visitor.page.keyboard.press('Shift+Tab');
    await visitor.page.keyboard.press('Shift+Tab');
    await expect.poll(() => focusedInFrame(frame)).toBe('Message');
    await visitor.page.keyboard.press('Enter');
    await chatFrame(visitor.page)
      .getByRole('log', { name: 'Messages' })
      .getByText('Typed without a mouse🤔')
      .waitFor();

    // The other controls are on the Tab path too: the transcript (to scroll it) and Minimize.
    await visitor.page.keyboard.press('Shift+Tab');
    await expect.poll(() => focusedInFrame(frame)).toBe('Conversation');
    await visitor.page.keyboard.press('Shift+Tab');
    await expect.poll(() => focusedInFrame(frame)).toBe('Minimize chat');

    // Escape closes it and gives the focus back to the launcher; Enter opens it again.
    await visitor.page.keyboard.press('Escape');
    await expect.poll(() => focusedOnPage(visitor.page)).toBe('Open chat');
    expect(await launcher(visitor.page).getAttribute('aria-expanded')).toBe('false');
    await visitor.page.keyboard.press('Enter');
    await expect.poll(() => focusedInFrame(frame)).toBe('Message');
    await context.close();
  });
});
