import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFailed } from 'vitest';
import { ARTIFACTS_DIR, saveArtifacts } from './support/browser.js';
import { chatFrame, launcher, openPage, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

/** What the chat says in each language: the launcher, the message box, its button, a sent message's state, the wait. */
const EXPECTED = {
  en: {
    open: 'Open chat',
    message: 'Message',
    send: 'Send',
    sent: 'Sent',
    place: /^You are number \d+ in the queue/,
    minimize: 'Minimize chat',
  },
  cs: {
    open: 'Otevřít chat',
    message: 'Zpráva',
    send: 'Odeslat',
    sent: 'Odesláno',
    place: /^Jste \d+\. v pořadí/,
    minimize: 'Minimalizovat chat',
  },
  sk: {
    open: 'Otvoriť chat',
    message: 'Správa',
    send: 'Odoslať',
    sent: 'Odoslané',
    place: /^Ste \d+\. v poradí/,
    minimize: 'Minimalizovať chat',
  },
  pl: {
    open: 'Otwórz czat',
    message: 'Wiadomość',
    send: 'Wyślij',
    sent: 'Wysłano',
    place: /^Jesteś \d+\. w kolejce/,
    minimize: 'Zminimalizuj czat',
  },
} as const;

describe('languages', () => {
  for (const [locale, texts] of Object.entries(EXPECTED)) {
    it(`speaks ${locale} to a browser set to it`, async () => {
      // No agent is online: the chat waits first in the queue.
      const context = await suite.browser.newContext({
        locale: `${locale}-${locale === 'en' ? 'US' : locale.toUpperCase()}`,
      });
      const visitor = await openPage(context);
      onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page, texts.open).click();
      const frame = chatFrame(visitor.page);
      const input = frame.getByRole('textbox', { name: texts.message, exact: true });
      await input.fill('Dobrý den');
      await frame.getByRole('button', { name: texts.send, exact: true }).click();
      await frame.getByRole('log').getByText(texts.sent, { exact: true }).waitFor();
      await frame.getByRole('status').getByText(texts.place).waitFor();
      await frame.getByRole('button', { name: texts.minimize }).waitFor();
      expect(await frame.locator('html').getAttribute('lang')).toBe(locale);
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      await visitor.page.screenshot({ path: path.join(ARTIFACTS_DIR, `language-${locale}.png`) });
      await context.close();
    });
  }

  it('speaks the site’s language to a browser set to another', async () => {
    await suite.stack.updateSite({ $set: { locale: 'pl' } });
    const context = await suite.browser.newContext({ locale: 'en-US' });
    const visitor = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page, EXPECTED.pl.open).click();
      await chatFrame(visitor.page).getByRole('textbox', { name: 'Wiadomość' }).waitFor();
    } finally {
      await suite.stack.updateSite({ $unset: { locale: '' } });
      await context.close();
    }
  });

  it('shows the site’s own greeting in the visitor’s language when the site wrote one', async () => {
    await suite.stack.updateSite({ $set: { texts: { cs: { greeting: 'Dobrý den! S čím poradíme?' } } } });
    const context = await suite.browser.newContext({ locale: 'cs-CZ' });
    const visitor = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page, EXPECTED.cs.open).click();
      await chatFrame(visitor.page).getByText('Dobrý den! S čím poradíme?').waitFor();
      expect(await chatFrame(visitor.page).getByText('Hi! How can we help?').count()).toBe(0);
    } finally {
      await suite.stack.updateSite({ $unset: { texts: '' } });
      await context.close();
    }
  });

  it('speaks the language the page sets with Hovor(setLocale), before the site’s and the browser’s, and switches an open chat', async () => {
    await suite.stack.updateSite({ $set: { locale: 'pl' } });
    const context = await suite.browser.newContext({ locale: 'cs-CZ' });
    const visitor = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page, EXPECTED.pl.open).waitFor();
      await visitor.page.evaluate(() =>
        (window as unknown as { Hovor: (...a: unknown[]) => void }).Hovor('setLocale', 'sk'),
      );
      await launcher(visitor.page, EXPECTED.sk.open).click();
      const frame = chatFrame(visitor.page);
      await frame.getByRole('textbox', { name: EXPECTED.sk.message, exact: true }).waitFor();
      await visitor.page.evaluate(() =>
        (window as unknown as { Hovor: (...a: unknown[]) => void }).Hovor('setLocale', 'en-GB'),
      );
      await frame.getByRole('textbox', { name: EXPECTED.en.message, exact: true }).waitFor();
      expect(await frame.locator('html').getAttribute('lang')).toBe('en');
      await launcher(visitor.page, 'Close chat').waitFor();
    } finally {
      await suite.stack.updateSite({ $unset: { locale: '' } });
      await context.close();
    }
  });
});
