import { describe, expect, it } from 'vitest';
import { axeViolations, chatFrameOf } from './support/axe.js';
import { agentAndVisitor, chatFrame, launcher, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();
const NAME = 'Petr Novák <img src=x onerror="window.pwned=1">';

describe('the pre-chat form [P20]', () => {
  it('asks what the site wants before the chat, says what to fix, and starts the chat with the answers', async () => {
    const sales = await suite.stack.hovor.repositories.departments.create(
      {
        siteId: (await suite.stack.c.sites.findOne({ key: 'e2e-shop' }))!._id,
        name: 'Sales',
        strategy: null,
        fallbackDepartmentId: null,
      },
      new Date(),
    );
    await suite.stack.c.agents.updateOne(
      { email: suite.stack.agent.email },
      { $set: { departmentIds: [sales.id] } },
    );
    await suite.stack.updateSite({
      $set: {
        preChat: {
          name: 'required',
          email: 'optional',
          department: true,
          consent: 'I agree to the <b>privacy</b> policy.',
        },
      },
    });
    const { agent, visitor, close } = await agentAndVisitor(suite, { bypassCSP: true });
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page).waitFor();
      // The page's department comes preselected in the form.
      await visitor.page.evaluate(
        (id) => (window as unknown as { Hovor: (...a: unknown[]) => void }).Hovor('setDepartment', id),
        sales.id,
      );
      await launcher(visitor.page).click();
      const frame = chatFrame(visitor.page);
      const form = frame.getByRole('form', { name: 'Before we start' });
      await form.waitFor();
      expect(await frame.getByRole('textbox', { name: 'Message' }).count()).toBe(1); // the form's own
      const frameContext = await chatFrameOf(visitor.page);
      expect(await axeViolations(frameContext), 'pre-chat form').toEqual([]);

      // Sent empty: each field says what to fix, the focus goes to the first.
      await frame.getByRole('button', { name: 'Start chat' }).click();
      await frame.getByText('Enter your name.').waitFor();
      await frame.getByText('Write your message.').waitFor();
      await frame.getByText('Please agree to continue.').waitFor();
      await expect
        .poll(() => frame.getByLabel('Name').evaluate((el) => el === document.activeElement))
        .toBe(true);
      expect(await axeViolations(frameContext), 'pre-chat form with errors').toEqual([]);
      // The site's consent text is text.
      await frame.getByText('I agree to the <b>privacy</b> policy.').waitFor();

      // A name is text wherever it shows (the XSS corpus's name).
      await frame.getByLabel('Name').fill(NAME);
      await frame.getByLabel('Email (optional)').fill('petr@example.com');
      // The page's call may land after the form is drawn; the form follows it.
      await expect.poll(() => frame.getByLabel('Department').inputValue()).toBe(sales.id);
      await frame.getByRole('textbox', { name: 'Message' }).fill('Do you sell gift cards?');
      await frame.getByLabel('I agree to the <b>privacy</b> policy.').check();
      await frame.getByRole('button', { name: 'Start chat' }).click();

      // The chat takes over; the agent sees who it is.
      await frame.getByRole('log').getByText('Do you sell gift cards?').waitFor();
      await frame.getByRole('status').getByText('Connected with Alice').waitFor();
      await agent.page.getByRole('tab', { name: 'Mine' }).click();
      await agent.page
        .getByRole('button', { name: /Petr Novák/ })
        .first()
        .click();
      await agent.page
        .getByRole('log', { name: 'Transcript' })
        .getByText('Do you sell gift cards?')
        .waitFor();
      await agent.page.getByRole('heading', { name: NAME }).waitFor();
      expect(await agent.page.locator('img').count()).toBe(0);
      expect(
        await agent.page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
      ).toBeUndefined();
      const stored = await suite.stack.c.conversations.findOne({ visitorName: NAME });
      expect(stored).toMatchObject({ departmentId: sales.id });
      expect(stored?.consentAt).toBeInstanceOf(Date);
    } finally {
      await close();
      await suite.stack.updateSite({ $unset: { preChat: '' } });
      await suite.stack.c.agents.updateOne(
        { email: suite.stack.agent.email },
        { $set: { departmentIds: [] } },
      );
    }
  });

  it('shows the consent in the visitor’s language when the site wrote it', async () => {
    await suite.stack.updateSite({
      $set: {
        preChat: {
          name: 'off',
          email: 'off',
          department: false,
          consent: 'I agree to the privacy policy.',
        },
        texts: { cs: { consent: 'Souhlasím se zásadami ochrany soukromí.' } },
      },
    });
    const context = await suite.browser.newContext({ locale: 'cs-CZ' });
    try {
      const page = await context.newPage();
      await page.goto(`${suite.stack.demoUrl}/`);
      await launcher(page, 'Otevřít chat').click();
      const frame = chatFrame(page);
      await frame.getByRole('form', { name: 'Než začneme' }).waitFor();
      await frame.getByLabel('Souhlasím se zásadami ochrany soukromí.').waitFor();
      expect(await frame.getByText('I agree to the privacy policy.').count()).toBe(0);
    } finally {
      await context.close();
      await suite.stack.updateSite({ $unset: { preChat: '', texts: '' } });
    }
  });
});
