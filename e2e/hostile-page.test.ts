import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import { chatFrame, openPage, signInAgent, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

describe('a hostile host page', () => {
  it('still chats under a strict CSP, with every style unset and built-ins broken, and cannot reach the visitor token', async () => {
    const agentContext = await suite.browser.newContext();
    const visitorContext = await suite.browser.newContext();
    const agent = await openPage(agentContext);
    const visitor = await openPage(visitorContext);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, visitor }));
    await signInAgent(agent.page, suite.stack, { isOnline: true });

    await visitor.page.goto(`${suite.stack.demoUrl}/strict`);
    // The page is as hostile as meant: its CSP is on, its script ran.
    expect(await visitor.page.evaluate(() => [1, 2].includes(1))).toBe(false);

    const launcher = visitor.page.getByRole('button', { name: /^(Open|Close) chat$/ });
    await launcher.click();
    const frame = chatFrame(visitor.page);
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('Writing from a strict page');
    await input.press('Enter');
    await frame.getByRole('status').getByText('Connected with Alice').waitFor();
    await agent.page.getByRole('tab', { name: 'Mine' }).click();
    await agent.page
      .getByRole('button', { name: /visitor/i })
      .first()
      .click();
    await agent.page
      .getByRole('log', { name: 'Transcript' })
      .getByText('Writing from a strict page')
      .waitFor();
    await agent.page.getByLabel('Reply').fill('Received, all fine.');
    await agent.page.getByLabel('Reply').press('Enter');
    await frame.getByText('Received, all fine.').waitFor();

    // The launcher kept its own look: the page's styles do not reach into its shadow root.
    const box = await launcher.boundingBox();
    expect(box?.width).toBe(56);
    expect(box?.height).toBe(56);

    // Nothing of Hovor was refused by the page's CSP.
    const refused = visitor.log.filter(
      (line) => /Content Security Policy/i.test(line) && line.includes(suite.stack.hovorUrl),
    );
    expect(refused).toEqual([]);
    const styleRefusals = visitor.log.filter((line) => /Refused to apply inline style/i.test(line));
    expect(styleRefusals).toEqual([]);

    // The page cannot read the chat's storage (the visitor token) nor its document.
    const reach = await visitor.page.evaluate(() => {
      const host = Array.from(document.body.children).find((el) => el.shadowRoot?.querySelector('iframe'));
      const chat = host?.shadowRoot?.querySelector('iframe')?.contentWindow;
      const attempts: string[] = [];
      for (const read of [() => chat?.localStorage.length, () => chat?.document.body.innerHTML]) {
        try {
          read();
          attempts.push('read');
        } catch (error) {
          attempts.push((error as Error).name);
        }
      }
      return attempts;
    });
    expect(reach).toEqual(['SecurityError', 'SecurityError']);
    await agentContext.close();
    await visitorContext.close();
  });
});
