import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import {
  agentAndVisitor,
  chatFrame,
  launcher,
  openMineFirst,
  openPage,
  useStackAndBrowser,
} from './support/suite.js';

const suite = useStackAndBrowser();

describe('a hostile host page', () => {
  it('still chats under a strict CSP, with every style unset and built-ins broken, and cannot reach the visitor token', async () => {
    const { agent, visitor, close } = await agentAndVisitor(suite);

    await visitor.page.goto(`${suite.stack.demoUrl}/strict`);
    // The page is as hostile as meant: its CSP is on, its script ran.
    expect(await visitor.page.evaluate(() => [1, 2].includes(1))).toBe(false);

    const launcherButton = launcher(visitor.page, /^(Open|Close) chat$/);
    await launcherButton.click();
    const frame = chatFrame(visitor.page);
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('Writing from a strict page');
    await input.press('Enter');
    await frame.getByRole('status').getByText('Connected with Alice').waitFor();
    await openMineFirst(agent.page);
    await agent.page
      .getByRole('log', { name: 'Transcript' })
      .getByText('Writing from a strict page')
      .waitFor();
    await agent.page.getByLabel('Reply').fill('Received, all fine.');
    await agent.page.getByLabel('Reply').press('Enter');
    await frame.getByText('Received, all fine.').waitFor();

    // The launcher kept its own look: the page's styles do not reach into its shadow root.
    const box = await launcherButton.boundingBox();
    expect(box?.width).toBe(56);
    expect(box?.height).toBe(56);

    // Nothing of Hovor was refused by the page's CSP.
    const refused = visitor.log.filter(
      (line) => /Content Security Policy/i.test(line) && line.includes(suite.stack.hovorUrl),
    );
    expect(refused).toEqual([]);
    const styleRefusals = visitor.log.filter((line) => /Refused to apply inline style/i.test(line));
    expect(styleRefusals).toEqual([]);

    // The page cannot read the frames' storage (the visitor token) nor their documents. (It broke
    // Array.from itself, so the children are walked by index.)
    const reach = await visitor.page.evaluate(() => {
      let host: Element | undefined;
      for (let i = 0; i < document.body.children.length; i++) {
        if (document.body.children[i]!.shadowRoot) host = document.body.children[i];
      }
      const attempts: string[] = [];
      for (const title of ['Hovor chat', 'Hovor launcher']) {
        const frame = host?.shadowRoot?.querySelector(`iframe[title="${title}"]`) as HTMLIFrameElement | null;
        const win = frame?.contentWindow;
        if (!win) throw new Error(`no ${title} frame`);
        for (const read of [() => win.localStorage.length, () => win.document.body.innerHTML]) {
          try {
            read();
            attempts.push('read');
          } catch (error) {
            attempts.push((error as Error).name);
          }
        }
      }
      return attempts;
    });
    expect(reach).toEqual(['SecurityError', 'SecurityError', 'SecurityError', 'SecurityError']);
    await close();
  });

  it('ignores what a frame of another origin posts as if it were the chat', async () => {
    const context = await suite.browser.newContext();
    const visitor = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
    await visitor.page.goto(`${suite.stack.demoUrl}/`);
    const launcherButton = launcher(visitor.page, /^(Open|Close) chat$/);
    await launcherButton.click();
    await chatFrame(visitor.page).getByRole('textbox', { name: 'Message' }).waitFor();
    // The page listens to what the chat reports.
    await visitor.page.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { seen: unknown[] }).seen = seen;
      const hovor = (window as unknown as { Hovor: (...args: unknown[]) => void }).Hovor;
      hovor('on', 'agent:assigned', (data: unknown) => seen.push(data));
      hovor('on', 'close', () => seen.push('close'));
    });

    // A frame of another origin on the page posts the chat frame's messages to the page.
    await visitor.page.evaluate((foreignUrl) => {
      const evil = document.createElement('iframe');
      evil.src = `${foreignUrl}/product`;
      document.body.append(evil);
    }, suite.stack.foreignDemoUrl);
    const isEvil = (url: URL) => url.href.startsWith(`${suite.stack.foreignDemoUrl}/product`);
    await expect.poll(() => visitor.page.frame({ url: isEvil }) !== null).toBe(true);
    const evil = visitor.page.frame({ url: isEvil })!;
    await evil.waitForLoadState();
    await evil.evaluate(() => {
      for (const message of [
        { source: 'hovor', type: 'close' },
        { source: 'hovor', type: 'event', name: 'agent:assigned', data: { id: 'x', name: 'Mallory' } },
        { source: 'hovor', type: 'error', code: 'INTERNAL', message: 'posted by evil' },
      ]) {
        parent.postMessage(message, '*');
      }
    });
    // A message the chat frame itself sends afterwards arrives after them: the page heard them all.
    await chatFrame(visitor.page).getByRole('button', { name: 'Minimize chat' }).click();
    await expect
      .poll(() => visitor.page.evaluate(() => (window as unknown as { seen: unknown[] }).seen))
      .toEqual(['close']);
    expect(visitor.log.filter((line) => line.includes('posted by evil'))).toEqual([]);
    await context.close();
  });
});
