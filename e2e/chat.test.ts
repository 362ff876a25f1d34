import { readFile } from 'node:fs/promises';
import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import {
  chatFrame,
  launcher,
  openPage,
  STEP_TIMEOUT_MS,
  signInAgent,
  useStackAndBrowser,
} from './support/suite.js';

const suite = useStackAndBrowser();

describe('a visitor chats with an agent end to end', () => {
  it('routes, chats both ways, survives navigation, closes, and keeps the transcript', async () => {
    const agentContext = await suite.browser.newContext();
    const visitorContext = await suite.browser.newContext();
    const agent = await openPage(agentContext);
    const visitor = await openPage(visitorContext);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, visitor }));

    // 3. The agent signs in and goes online.
    await signInAgent(agent.page, suite.stack, { isOnline: true });

    // 2. The shop page (another origin) shows the launcher.
    await visitor.page.goto(`${suite.stack.demoUrl}/`);
    const launcherButton = launcher(visitor.page);
    await launcherButton.waitFor();
    const box = await launcherButton.boundingBox();
    const viewport = visitor.page.viewportSize()!;
    expect(box!.x).toBeGreaterThan(viewport.width / 2);
    expect(box!.y).toBeGreaterThan(viewport.height / 2);

    // 4. The visitor opens the widget and writes; the chat is routed to Alice.
    await launcherButton.click();
    const frame = chatFrame(visitor.page);
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('Hello, where is my order 1042?');
    await input.press('Enter');
    await frame.getByRole('status').getByText('Connected with Alice').waitFor();
    await frame.getByRole('log', { name: 'Messages' }).getByText('Sent').first().waitFor();

    // 5. Real-time both ways, with typing indicators.
    await agent.page.getByRole('tab', { name: 'Mine' }).click();
    await agent.page
      .getByRole('button', { name: /visitor/i })
      .first()
      .click();
    const transcript = agent.page.getByRole('log', { name: 'Transcript' });
    await transcript.getByText('Hello, where is my order 1042?').waitFor();

    await input.pressSequentially('Also', { delay: 20 });
    await agent.page.getByText(/is typing/).waitFor();
    const reply = agent.page.getByLabel('Reply');
    await reply.pressSequentially('Let me check', { delay: 20 });
    await frame.getByText('Alice is typing…').waitFor();
    await reply.fill('It ships today.');
    await reply.press('Enter');
    await frame.getByText('It ships today.').waitFor();
    await input.fill('');

    // 6. Navigating to another page of the shop brings back the same conversation.
    const conversationId = (await suite.stack.c.conversations.findOne({}))!._id;
    await visitor.page.goto(`${suite.stack.demoUrl}/product`);
    const frameAfter = chatFrame(visitor.page);
    await frameAfter.getByText('It ships today.').waitFor();
    await frameAfter.getByText('Hello, where is my order 1042?').waitFor();
    expect(await suite.stack.c.conversations.countDocuments({})).toBe(1);

    // And after a reload.
    await visitor.page.reload();
    await chatFrame(visitor.page).getByText('It ships today.').waitFor();

    // 7. The agent closes; the visitor sees the end, rates the chat with the keyboard [P17], and
    // can start again.
    await agent.page.getByRole('button', { name: 'Close conversation' }).click();
    const endFrame = chatFrame(visitor.page);
    await endFrame.getByText('The conversation has ended').first().waitFor();
    const stars = endFrame.getByRole('group', { name: 'How was your chat?' });
    await stars.getByRole('radio', { name: '1 of 5, Poor' }).focus();
    for (let i = 0; i < 3; i++) await visitor.page.keyboard.press('ArrowRight');
    expect(await stars.getByRole('radio', { name: '4 of 5, Very good' }).isChecked()).toBe(true);
    await visitor.page.keyboard.press('Tab');
    await visitor.page.keyboard.type('Quick answer, thanks');
    await visitor.page.keyboard.press('Tab');
    await visitor.page.keyboard.press('Enter');
    await endFrame.getByRole('status').getByText('You rated this chat 4 of 5').waitFor();
    expect(await suite.stack.c.ratings.findOne({ _id: conversationId })).toMatchObject({
      score: 4,
      comment: 'Quick answer, thanks',
    });
    // The agent sees it on the conversation at once.
    await agent.page.getByText('Rated 4 of 5 by the visitor').waitFor();
    await agent.page.getByText('Quick answer, thanks').waitFor();
    // The visitor keeps a copy of the chat.
    const [download] = await Promise.all([
      visitor.page.waitForEvent('download'),
      endFrame.getByRole('button', { name: 'Download transcript' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^chat-demo-shop-\d{4}-\d{2}-\d{2}\.txt$/);
    const copy = await readFile(await download.path(), 'utf8');
    expect(copy).toMatch(/^Chat with Demo Shop\n/);
    expect(copy).toMatch(/\] You: Hello, where is my order 1042\?\n(.*\n)*.*\] Alice: It ships today\.\n/);
    expect(copy).toContain('The conversation has ended');
    await endFrame.getByRole('button', { name: 'Start a new conversation' }).click();
    await endFrame.getByRole('status').getByText('Connected with Alice').waitFor();
    await expect.poll(() => suite.stack.c.conversations.countDocuments({})).toBe(2);

    // 8. The transcript is stored with authors, times and seq, and the console lists it.
    const stored = await suite.stack.c.messages.find({ conversationId }).sort({ seq: 1 }).toArray();
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.filter((m) => m.kind === 'event').map((m) => m.event?.type)).toEqual([
      'queued',
      'assigned',
      'closed',
    ]);
    const texts = stored.filter((m) => m.kind === 'text');
    expect(texts.map((m) => [m.author.type, m.text])).toEqual([
      ['visitor', 'Hello, where is my order 1042?'],
      ['agent', 'It ships today.'],
    ]);
    expect(texts.every((m) => m.createdAt instanceof Date)).toBe(true);

    await agent.page.getByRole('tab', { name: 'Closed' }).click();
    await agent.page
      .getByRole('button', { name: /visitor/i })
      .first()
      .click();
    await transcript.getByText('It ships today.').waitFor();
    await agentContext.close();
    await visitorContext.close();
  });

  it('gives no chat to a page on an origin the site does not allow, and says why in the console', async () => {
    const context = await suite.browser.newContext();
    const visitor = await openPage(context);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { visitor }));
    await visitor.page.goto(`${suite.stack.foreignDemoUrl}/`);
    await expect
      .poll(
        () =>
          visitor.log.some(
            (line) =>
              line.startsWith('[error]') &&
              line.includes('[Hovor]') &&
              line.includes('is not in the allowed origins'),
          ),
        {
          timeout: STEP_TIMEOUT_MS,
        },
      )
      .toBe(true);
    expect(await launcher(visitor.page).count()).toBe(0);
    await context.close();
  });
});
