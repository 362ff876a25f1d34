import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import { hovorOutage } from './support/network.js';
import { chatFrame, launcher, openPage, signInAgent, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

describe('the widget outbox in the browser', () => {
  it('[P16][P5] keeps 10 messages typed offline across a reload and delivers each once, in order', async () => {
    const agentContext = await suite.browser.newContext();
    const visitorContext = await suite.browser.newContext();
    const agent = await openPage(agentContext);
    const visitor = await openPage(visitorContext);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, visitor }));

    await signInAgent(agent.page, suite.stack, { isOnline: true });

    const network = await hovorOutage(visitor.page);
    await visitor.page.goto(`${suite.stack.sameSiteDemoUrl}/`);
    await launcher(visitor.page).click();
    let frame = chatFrame(visitor.page);
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('Before the tunnel');
    await input.press('Enter');
    await frame.getByRole('status').getByText('Connected with Alice').waitFor();
    await frame
      .getByText(/^(Sent|Delivered|Read)$/)
      .first()
      .waitFor();
    const conversation = await suite.stack.c.conversations.findOne({ state: 'assigned' });
    expect(conversation).not.toBeNull();

    // The network goes; the visitor sees it and keeps typing.
    await visitorContext.setOffline(true);
    network.begin();
    await frame.getByText('Connection lost, reconnecting…').waitFor();
    const texts = Array.from({ length: 10 }, (_, i) => `Offline message ${i + 1}`);
    for (const text of texts) {
      await input.fill(text);
      await input.press('Enter');
    }
    await expect.poll(() => frame.getByText('Sending…').count()).toBe(10);

    // A reload while Hovor is still unreachable: the messages are still there, waiting.
    await visitorContext.setOffline(false);
    await visitor.page.reload();
    frame = chatFrame(visitor.page);
    await frame.getByText('Offline message 10').waitFor();
    expect(await frame.getByText('Sending…').count()).toBe(10);

    // Back online: everything is delivered once, in the order typed.
    network.end();
    await frame.getByText('Back online').waitFor();
    await expect.poll(() => frame.getByText('Sending…').count(), { timeout: 20_000 }).toBe(0);
    const stored = await suite.stack.c.messages
      .find({ conversationId: conversation!._id, kind: 'text' })
      .sort({ seq: 1 })
      .toArray();
    expect(stored.map((m) => m.text)).toEqual(['Before the tunnel', ...texts]);
    expect(new Set(stored.map((m) => m.clientMsgId)).size).toBe(stored.length);
    for (const text of texts) expect(await frame.getByText(text, { exact: true }).count()).toBe(1);

    // The agent sees them all, once, in order.
    await agent.page.getByRole('tab', { name: 'Mine' }).click();
    await agent.page
      .getByRole('button', { name: /visitor/i })
      .first()
      .click();
    const transcript = agent.page.getByRole('log', { name: 'Transcript' });
    await transcript.getByText('Offline message 10').waitFor();
    const shown = await transcript.getByText(/^Offline message \d+$/).allTextContents();
    expect(shown).toEqual(texts);
    // [P13] The agent has read them: the visitor sees it on each message.
    await expect.poll(() => frame.getByText('Read', { exact: true }).count()).toBe(11);
    await agentContext.close();
    await visitorContext.close();
  });
});
