import { describe, expect, it } from 'vitest';
import { axeViolations, chatFrameOf } from './support/axe.js';
import { agentAndVisitor, chatFrame, launcher, openMineFirst, useStackAndBrowser } from './support/suite.js';

const suite = useStackAndBrowser();

/** A real 2×2 PNG (red). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
const NAME = 'mug <img src=x onerror="window.pwned=1">.png';

describe('files in the chat [P21]', () => {
  it('a visitor sends an image: both sides preview it, as text named, and the visitor can download it', async () => {
    const { agent, visitor, close } = await agentAndVisitor(suite, { bypassCSP: true });
    try {
      await visitor.page.goto(`${suite.stack.demoUrl}/`);
      await launcher(visitor.page).click();
      const frame = chatFrame(visitor.page);
      const input = frame.getByRole('textbox', { name: 'Message' });
      await input.fill('A photo of the broken mug:');
      await input.press('Enter');
      await frame.getByRole('status').getByText('Connected with Alice').waitFor();

      // A type the chat does not take is refused at once, with the reason.
      await frame
        .locator('input[type="file"]')
        .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
      await frame
        .getByRole('alert')
        .getByText('Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.')
        .waitFor();

      await frame
        .locator('input[type="file"]')
        .setInputFiles({ name: NAME, mimeType: 'image/png', buffer: PNG });
      const preview = frame.getByRole('img', { name: NAME });
      await preview.waitFor();
      await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
      expect(await frame.getByRole('alert').count()).toBe(0);
      const frameContext = await chatFrameOf(visitor.page);
      expect(await axeViolations(frameContext), 'chat with an image').toEqual([]);

      // The visitor downloads it under its name.
      const [download] = await Promise.all([
        visitor.page.waitForEvent('download'),
        frame.getByRole('button', { name: `Download ${NAME} (1 kB)` }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(
        NAME.replace(/["<>]/g, '_').length ? download.suggestedFilename() : '',
      );

      // The agent sees the same image, named as text.
      const transcript = await openMineFirst(agent.page);
      const seen = transcript.getByRole('img', { name: NAME });
      await seen.waitFor();
      await expect.poll(() => seen.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
      expect(await transcript.getByRole('link', { name: NAME }).getAttribute('download')).toBe(NAME);
      for (const page of [visitor.page, agent.page]) {
        expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      }
      expect(await chatFrame(visitor.page).locator('[role="log"] img').count()).toBe(1);
      expect(await transcript.locator('img').count()).toBe(1);

      // The agent answers with a PDF from the console; the visitor downloads it.
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
      await agent.page.locator('.composer input[type="file"]').setInputFiles({
        name: 'care instructions.pdf',
        mimeType: 'application/pdf',
        buffer: pdf,
      });
      await transcript.getByRole('link', { name: 'care instructions.pdf' }).waitFor();
      const button = frame.getByRole('button', { name: 'Download care instructions.pdf (1 kB)' });
      await button.waitFor();
      const [pdfDownload] = await Promise.all([visitor.page.waitForEvent('download'), button.click()]);
      expect(pdfDownload.suggestedFilename()).toBe('care instructions.pdf');
    } finally {
      await close();
    }
  });
});
