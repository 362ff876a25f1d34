import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Flags for headless Chromium in a sandboxed CI without network beyond loopback. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const ARTIFACTS_DIR = path.resolve('test-results');

export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** Keeps a page's console output, to save beside the screenshot when a test fails. */
export function recordConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`[pageerror] ${error.message}`));
  return lines;
}

/** Saves a screenshot and the console log of each page, named after the failing test. */
export async function saveArtifacts(
  name: string,
  pages: Record<string, { page: Page; log: string[] }>,
): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
  const { writeFileSync } = await import('node:fs');
  for (const [role, { page, log }] of Object.entries(pages)) {
    await page
      .screenshot({ path: path.join(ARTIFACTS_DIR, `${slug}-${role}.png`), fullPage: true })
      .catch(() => undefined);
    writeFileSync(path.join(ARTIFACTS_DIR, `${slug}-${role}.log`), log.join('\n'));
  }
}
