import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import { hovorOutage, OUTAGE_REFUSAL as REFUSAL } from './support/network.js';
import { chatFrame, launcher, openPage, signInAgent, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

describe('the console outbox in the browser', () => {
  it('[P16][P5] keeps replies typed offline across a reload and stores each once, in order, when back', async () => {
    const agentContext = await suite.browser.newContext();
    const visitorContext = await suite.browser.newContext();
    const agent = await openPage(agentContext);
    const visitor = await openPage(visitorContext);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, visitor }));

    const outage = await hovorOutage(agent.page);
    await signInAgent(agent.page, suite.stack, { isOnline: true });

    await visitor.page.goto(`${suite.stack.demoUrl}/`);
    await launcher(visitor.page).click();
    const frame = chatFrame(visitor.page);
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('Is anyone there?');
    await input.press('Enter');
    await frame.getByRole('status').getByText('Connected with Alice').waitFor();
    const conversation = await suite.stack.c.conversations.findOne({ state: 'assigned' });
    expect(conversation).not.toBeNull();

    const openChat = async () => {
      await agent.page.getByRole('tab', { name: 'Mine' }).click();
      await agent.page
        .getByRole('button', { name: /visitor/i })
        .first()
        .click();
    };
    await openChat();
    const transcript = agent.page.getByRole('log', { name: 'Transcript' });
    await transcript.getByText('Is anyone there?').waitFor();

    // The database goes: the console says so, keeps trying, and the replies wait in the outbox.
    outage.begin();
    const connection = agent.page.getByRole('status');
    await connection.getByText('Reconnecting…').waitFor();
    await agent.page.getByRole('alert').getByText(REFUSAL.message).waitFor();
    const replies = ['Yes, Alice here.', 'Let me look at your order.', 'One moment please.'];
    const reply = agent.page.getByLabel('Reply');
    for (const text of replies) {
      await reply.fill(text);
      await reply.press('Enter');
    }
    await expect.poll(() => transcript.getByRole('img', { name: 'Sending' }).count()).toBe(3);

    // A reload while Hovor still refuses keeps them.
    await agent.page.reload();
    await connection.getByText('Reconnecting…').waitFor();
    await agent.page.getByRole('alert').getByText(REFUSAL.message).waitFor();
    expect(await suite.stack.c.messages.countDocuments({ 'author.type': 'agent' })).toBe(0);

    // Back online: each reply is stored once, in the order typed, and shown as sent.
    outage.end();
    await connection.getByText('Back online').waitFor();
    expect(await agent.page.getByRole('alert').count()).toBe(0);
    await expect
      .poll(() => suite.stack.c.messages.countDocuments({ 'author.type': 'agent' }), { timeout: 20_000 })
      .toBe(3);
    const stored = await suite.stack.c.messages
      .find({ conversationId: conversation!._id, 'author.type': 'agent' })
      .sort({ seq: 1 })
      .toArray();
    expect(stored.map((m) => m.text)).toEqual(replies);
    expect(new Set(stored.map((m) => m.clientMsgId)).size).toBe(3);

    await openChat();
    await transcript.getByText('One moment please.').waitFor();
    // The last reply's ack may come a moment after its write was seen.
    await expect.poll(() => transcript.getByRole('img', { name: 'Sending' }).count()).toBe(0);
    await expect.poll(() => transcript.getByRole('img', { name: /^(Sent|Delivered|Read)$/ }).count()).toBe(3);
    for (const text of replies) await frame.getByText(text, { exact: true }).waitFor();
    await agentContext.close();
    await visitorContext.close();
  });
});
