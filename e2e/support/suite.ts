import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, onTestFailed } from 'vitest';
import { launchChromium, recordConsole, saveArtifacts } from './browser.js';
import { type Stack, startStack } from './stack.js';

/** Browser steps wait for what a person would see, up to this long. */
export const STEP_TIMEOUT_MS = 15_000;

/** One stack (Hovor, demo shop, agent) and one Chromium per test file, stopped after its tests. */
export function useStackAndBrowser(): { readonly stack: Stack; readonly browser: Browser } {
  const suite = {} as { stack: Stack; browser: Browser };
  beforeAll(async () => {
    suite.stack = await startStack();
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.stack?.close();
  });
  return suite;
}

/** A page whose steps time out like a person would give up, with its console recorded. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; log: string[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return { page, log: recordConsole(page) };
}

/** The chat frame the loader puts on the host page. */
export const chatFrame = (page: Page): FrameLocator => page.frameLocator('iframe[title="Hovor chat"]');

/** The launcher frame the loader puts on every page. */
export const launcherFrame = (page: Page): FrameLocator =>
  page.frameLocator('iframe[title="Hovor launcher"]');

/** The launcher's button, by its accessible name ("Open chat" while the chat is closed). */
export const launcher = (page: Page, name: string | RegExp = 'Open chat'): Locator =>
  launcherFrame(page).getByRole('button', { name });

/**
 * Signs the stack's agent in to the console on `page`; with `isOnline`, also sets the status
 * online and waits until the server has recorded it.
 */
export async function signInAgent(
  page: Page,
  stack: Stack,
  options: { isOnline?: boolean } = {},
): Promise<void> {
  await page.goto(`${stack.hovorUrl}/console/`);
  await page.getByLabel('Email').fill(stack.agent.email);
  await page.getByLabel('Password').fill(stack.agent.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (!options.isOnline) return;
  await page.getByLabel('Status').selectOption('online');
  await expect
    .poll(async () => (await stack.c.agents.findOne({ email: stack.agent.email }))?.status)
    .toBe('online');
}

/**
 * An agent, signed in and online, and a visitor, each in a browser context of their own; both
 * pages are saved as artefacts when the test fails. `visitorOptions` go to the visitor's context
 * (e.g. `bypassCSP` for axe). Close both with `close()`.
 */
export async function agentAndVisitor(
  suite: { readonly stack: Stack; readonly browser: Browser },
  visitorOptions: Parameters<Browser['newContext']>[0] = {},
) {
  const agentContext = await suite.browser.newContext();
  const visitorContext = await suite.browser.newContext(visitorOptions);
  const agent = await openPage(agentContext);
  const visitor = await openPage(visitorContext);
  onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, visitor }));
  await signInAgent(agent.page, suite.stack, { isOnline: true });
  return {
    agent,
    visitor,
    async close() {
      await agentContext.close();
      await visitorContext.close();
    },
  };
}

/** The agent opens the newest conversation of their Mine tab; returns its transcript. */
export async function openMineFirst(page: Page) {
  await page.getByRole('tab', { name: 'Mine' }).click();
  await page
    .getByRole('button', { name: /visitor/i })
    .first()
    .click();
  return page.getByRole('log', { name: 'Transcript' });
}
