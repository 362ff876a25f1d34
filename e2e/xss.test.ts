import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chatFrameOf } from './support/axe.js';
import { agentAndVisitor, chatFrame, launcher, openMineFirst, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

/**
 * Markup and script in every form a chat has seen abused; each would set `window.__xss` (or
 * open a dialog) if it ran. Sent by the visitor and by the agent, it must arrive as text.
 */
const CORPUS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  'javascript:window.__xss=3',
  '<a href="javascript:window.__xss=4">click</a>',
  '"><svg onload=window.__xss=5>',
  '<iframe srcdoc="<script>parent.__xss=6</script>"></iframe>',
  '[click](javascript:window.__xss=7)',
  'https://example.com/"onmouseover="window.__xss=8" x="',
  '<details open ontoggle=window.__xss=9>',
  '{{constructor.constructor("window.__xss=10")()}}',
];

/** Whether any script of the corpus ran in any frame of the page. */
async function ranInAnyFrame(page: Page): Promise<boolean> {
  for (const frame of page.frames()) {
    if (await frame.evaluate(() => '__xss' in window).catch(() => false)) return true;
  }
  return false;
}

describe('hostile text from both sides', () => {
  it('shows every XSS payload as text in the widget and the console, and runs none of them', async () => {
    const { agent, visitor, close } = await agentAndVisitor(suite);
    const dialogs: string[] = [];
    for (const page of [agent.page, visitor.page]) {
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
    }

    await visitor.page.goto(`${suite.stack.demoUrl}/`);
    await launcher(visitor.page).click();
    const frame = chatFrame(visitor.page);
    const input = frame.getByRole('textbox', { name: 'Message' });
    const visitorLog = frame.getByRole('log', { name: 'Messages' });
    for (const text of CORPUS) {
      await input.fill(text);
      await input.press('Enter');
      await visitorLog.getByText(text, { exact: true }).waitFor();
    }

    await openMineFirst(agent.page);
    const transcript = agent.page.getByRole('log', { name: 'Transcript' });
    for (const text of CORPUS) await transcript.getByText(text, { exact: true }).waitFor();
    const reply = agent.page.getByLabel('Reply');
    for (const text of CORPUS) {
      await reply.fill(`Agent: ${text}`);
      await reply.press('Enter');
      await visitorLog.getByText(`Agent: ${text}`, { exact: true }).waitFor();
    }
    for (const text of CORPUS) await transcript.getByText(`Agent: ${text}`, { exact: true }).waitFor();

    // Nothing ran, no dialog opened, and no element came out of the text.
    expect(await ranInAnyFrame(visitor.page)).toBe(false);
    expect(await ranInAnyFrame(agent.page)).toBe(false);
    expect(dialogs).toEqual([]);
    const chat = await chatFrameOf(visitor.page);
    for (const [where, page] of [
      ['widget', chat],
      ['console', agent.page],
    ] as const) {
      const injected = await page.evaluate(
        () =>
          document.querySelectorAll(
            '[role="log"] li :is(img, script, svg, iframe, details), a[href^="javascript:"]',
          ).length,
      );
      expect(injected, where).toBe(0);
      // The one address in the corpus became a link, http(s) only, that cannot reach back.
      const links = await page.evaluate(() =>
        Array.from(document.querySelectorAll('[role="log"] li a')).map((a) => [
          a.getAttribute('href'),
          a.getAttribute('rel'),
        ]),
      );
      expect(links.length, where).toBeGreaterThan(0);
      for (const [href, rel] of links) {
        expect(href, where).toBe('https://example.com/');
        expect(rel, where).toBe('noopener noreferrer nofollow');
      }
    }
    await close();
  });
});
