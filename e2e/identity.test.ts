import { signIdentityToken } from '@hovor/server/testing';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { agentAndVisitor, chatFrame, launcher, openPage, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();
const SECRET = 'e2e-shop-identity-secret-0123456789';

type HovorFn = (...args: unknown[]) => unknown;
const hovor = (page: Page, ...args: unknown[]) =>
  page.evaluate((a) => (window as unknown as { Hovor: HovorFn }).Hovor(...a), args);
const identity = (sub: string, extra: Record<string, unknown> = {}) =>
  signIdentityToken({ sub, exp: Math.floor(Date.now() / 1000) + 600, ...extra }, SECRET);

/** Writes `text` in the chat and waits until it is sent. */
async function write(page: Page, text: string) {
  const input = chatFrame(page).getByRole('textbox', { name: 'Message' });
  await input.fill(text);
  await input.press('Enter');
  await chatFrame(page).getByRole('log').getByText(text).waitFor();
}

describe('identified visitors [P19]', () => {
  it('gives a verified user the same chat on another device, shows the agent who they are, and starts over on reset', async () => {
    await suite.stack.updateSite({ $set: { identitySecret: SECRET } });
    const { agent, visitor: laptop, close } = await agentAndVisitor(suite);
    const phoneContext = await suite.browser.newContext();
    try {
      const token = identity('user-42', { name: 'Jana Nováková', email: 'jana@example.com' });
      await laptop.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(laptop.page).waitFor();
      await hovor(laptop.page, 'identify', { token });
      await hovor(laptop.page, 'setAttributes', { plan: 'pro', orderId: '<b>1042</b>' });
      await launcher(laptop.page).click();
      await write(laptop.page, 'Written on my laptop');

      // The agent sees who it is: the name and e-mail the site vouched for, and the attributes.
      await agent.page.getByRole('tab', { name: 'Mine' }).click();
      await agent.page
        .getByRole('button', { name: /Jana Nováková/ })
        .first()
        .click();
      const transcript = agent.page.getByRole('log', { name: 'Transcript' });
      await transcript.getByText('Written on my laptop').waitFor();
      const facts = agent.page.getByRole('definition');
      await agent.page.getByText('verified by the site').first().waitFor();
      expect(await agent.page.locator('.visitor-facts').textContent()).toContain('user-42');
      expect(await agent.page.locator('.visitor-facts').textContent()).toContain('jana@example.com');
      await facts.getByText('<b>1042</b>', { exact: true }).waitFor();
      expect(await agent.page.locator('.visitor-facts b').count()).toBe(0);
      await agent.page.getByRole('heading', { name: /Jana Nováková/ }).waitFor();

      // The same user on a phone: another browser, the same conversation.
      const phone = await openPage(phoneContext);
      await phone.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(phone.page).waitFor();
      await hovor(phone.page, 'identify', { token: identity('user-42') });
      await launcher(phone.page).click();
      await chatFrame(phone.page).getByRole('log').getByText('Written on my laptop').waitFor();

      // Signing out on the laptop: a new anonymous visitor, the chat empty.
      await hovor(laptop.page, 'reset');
      await expect.poll(() => chatFrame(laptop.page).getByText('Written on my laptop').count()).toBe(0);
      await write(laptop.page, 'Someone else now');
      await expect
        .poll(async () => (await suite.stack.c.conversations.find({}).toArray()).map((c) => c.visitorName))
        .toHaveLength(2);
      const names = (await suite.stack.c.conversations.find({}).toArray()).map((c) => c.visitorName);
      expect(names).toContain('Jana Nováková');
      expect(names.find((name) => name !== 'Jana Nováková')).toMatch(/visitor \d+$/);
    } finally {
      await phoneContext.close();
      await close();
      await suite.stack.updateSite({ $unset: { identitySecret: '' } });
    }
  });

  it('goes on anonymously with a forged identity, and tells the page’s developer why', async () => {
    await suite.stack.updateSite({ $set: { identitySecret: SECRET } });
    const context = await suite.browser.newContext();
    try {
      const visitor = await openPage(context);
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page).waitFor();
      const forged = signIdentityToken({ sub: 'admin', exp: Math.floor(Date.now() / 1000) + 600 }, 'guessed');
      await hovor(visitor.page, 'identify', { token: forged });
      await launcher(visitor.page).click();
      await write(visitor.page, 'Still here');
      await expect
        .poll(() =>
          visitor.log.find((line) => line.startsWith('[error]') && line.includes('Identity token refused')),
        )
        .toContain('bad signature');
      expect(await suite.stack.c.visitorIdentities.countDocuments({ _id: { $regex: ':admin$' } })).toBe(0);
    } finally {
      await context.close();
      await suite.stack.updateSite({ $unset: { identitySecret: '' } });
    }
  });
});
