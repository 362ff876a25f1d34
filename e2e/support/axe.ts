import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0–2.2, levels A and AA: what issue 5 asks of every screen. */
const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
}

/**
 * Runs axe-core on a page or frame as it is now and returns one line per violation (rule,
 * impact, what to fix, where): an empty list means none. The context must be made with
 * `bypassCSP`, as axe is added as a script the frame's CSP would refuse.
 */
export async function axeViolations(target: Page | Frame): Promise<string[]> {
  if (!(await target.evaluate(() => 'axe' in window))) await target.addScriptTag({ content: axeSource });
  const result = (await target.evaluate(
    (tags) =>
      (window as unknown as { axe: { run: (c: Document, o: unknown) => Promise<unknown> } }).axe.run(
        document,
        {
          runOnly: { type: 'tag', values: tags },
        },
      ),
    WCAG_AA_TAGS,
  )) as AxeResult;
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
}

/** The chat frame of a host page, once the loader has put it there and it has loaded. */
export async function chatFrameOf(page: Page): Promise<Frame> {
  const element = await page.locator('iframe[title="Hovor chat"]').elementHandle();
  const frame = await element?.contentFrame();
  if (!frame) throw new Error('the chat iframe has no frame');
  await frame.waitForURL(/\/widget\/frame\.html/);
  return frame;
}
