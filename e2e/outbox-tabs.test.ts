import { describe, expect, it, onTestFailed } from 'vitest';
import { saveArtifacts } from './support/browser.js';
import { hovorOutage } from './support/network.js';
import { chatFrame, launcher, openPage, signInAgent, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

describe('the widget outbox across tabs', () => {
  it('[P16][P5] loses nothing typed offline in a tab closed before it was sent, while another tab sends its own', async () => {
    const agentContext = await suite.browser.newContext();
    const visitorContext = await suite.browser.newContext();
    const agent = await openPage(agentContext);
    const first = await openPage(visitorContext);
    const second = await openPage(visitorContext);
    onTestFailed(async ({ task }) => saveArtifacts(task.name, { agent, first, second }));
    await signInAgent(agent.page, suite.stack, { isOnline: true });

    // The first tab starts the chat; the second tab of the same shop shows it too.
    const firstNetwork = await hovorOutage(first.page);
    const secondNetwork = await hovorOutage(second.page);
    await first.page.goto(`${suite.stack.sameSiteDemoUrl}/`);
    await launcher(first.page).click();
    const firstInput = chatFrame(first.page).getByRole('textbox', { name: 'Message' });
    await firstInput.fill('Hello from the shop');
    await firstInput.press('Enter');
    await chatFrame(first.page).getByRole('status').getByText('Connected with Alice').waitFor();
    // Open there too, as the visitor left it on the first tab.
    await second.page.goto(`${suite.stack.sameSiteDemoUrl}/product`);
    const secondFrame = chatFrame(second.page);
    await secondFrame.getByText('Hello from the shop').waitFor();

    // Hovor is out of reach for both tabs; the visitor types in each, then closes the first.
    firstNetwork.begin();
    secondNetwork.begin();
    await chatFrame(first.page).getByText('Connection lost, reconnecting…').waitFor();
    await secondFrame.getByText('Connection lost, reconnecting…').waitFor();
    await firstInput.fill('Typed in the first tab');
    await firstInput.press('Enter');
    await chatFrame(first.page).getByText('Sending…').waitFor();
    const secondInput = secondFrame.getByRole('textbox', { name: 'Message' });
    await secondInput.fill('Typed in the second tab');
    await secondInput.press('Enter');
    await secondFrame.getByText('Sending…').waitFor();
    await first.page.close();

    // The second tab is back and sends its own message.
    secondNetwork.end();
    await secondFrame.getByText('Typed in the second tab').waitFor();
    await expect.poll(() => secondFrame.getByText('Sending…').count()).toBe(0);

    // The next page the visitor opens (its chat loads at once: a conversation goes on) sends
    // what the closed tab left, once.
    const third = await openPage(visitorContext);
    await third.page.goto(`${suite.stack.sameSiteDemoUrl}/`);
    const conversation = await suite.stack.c.conversations.findOne({ state: 'assigned' });
    await expect
      .poll(async () =>
        (
          await suite.stack.c.messages
            .find({ conversationId: conversation!._id, kind: 'text' })
            .sort({ seq: 1 })
            .toArray()
        ).map((m) => m.text),
      )
      .toEqual(['Hello from the shop', 'Typed in the second tab', 'Typed in the first tab']);
    await agentContext.close();
    await visitorContext.close();
  });
});
