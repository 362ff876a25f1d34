// Builds the loader (dist/widget.js), the chat and launcher frames (dist/frame/), then enforces size budgets.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const LOADER_BUDGET_GZIP_BYTES = 2048;
const APP_BUDGET_GZIP_BYTES = 30720;
const LAUNCHER_BUDGET_GZIP_BYTES = 7168;

await esbuild({
  entryPoints: [join(root, 'src/loader/widget.ts')],
  outfile: join(root, 'dist/widget.js'),
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
});

// The page API's types, served as /widget.d.ts for site developers.
copyFileSync(join(root, 'public-types/hovor.d.ts'), join(root, 'dist/widget.d.ts'));

const result = await vite({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
const output = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
const byFileName = new Map(output.map((item) => [item.fileName, item]));

const gzipBytes = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const frameBytes = (fileName) => gzipBytes(join(root, 'dist/frame', fileName));

// A frame's budget is what a visitor downloads for it: the entry chunk its HTML loads, the chunks
// it imports statically (the browser fetches those before it runs) and their CSS. Chunks reached
// only through `import()` load when a view needs them (the offline form), so each is reported on
// its own line, not counted. The launcher frame loads on every page; the chat frame on intent.
const firstLoadOf = (entryName) => {
  const files = new Set();
  const visit = (fileName) => {
    const chunk = byFileName.get(fileName);
    if (chunk?.type !== 'chunk' || files.has(fileName)) return;
    files.add(fileName);
    for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
    for (const imported of chunk.imports) visit(imported);
  };
  const entry = output.find((item) => item.type === 'chunk' && item.isEntry && item.name === entryName);
  if (!entry) throw new Error(`no entry chunk named ${entryName}`);
  visit(entry.fileName);
  return files;
};
const firstOpen = firstLoadOf('frame');
const launcherLoad = firstLoadOf('launcher');

const isCode = (fileName) => fileName.endsWith('.js') || fileName.endsWith('.css');
const isLocale = (item) =>
  item.type === 'chunk' && !item.isEntry && item.facadeModuleId?.includes('/src/app/locales/');
const lazyFiles = output
  .filter((item) => !isLocale(item))
  .map((item) => item.fileName)
  .filter((name) => isCode(name) && !firstOpen.has(name) && !launcherLoad.has(name));
const sumOf = (files) => [...files].reduce((sum, fileName) => sum + frameBytes(fileName), 0);
const appBytes = sumOf(firstOpen);
const launcherBytes = sumOf(launcherLoad);

// A language other than English loads with the frame, before the chat shows: its file counts
// towards the first open of a visitor who speaks it (and the launcher's, which shares it).
const localeChunks = output.filter(isLocale);
const rows = [
  ['loader dist/widget.js', gzipBytes(join(root, 'dist/widget.js')), LOADER_BUDGET_GZIP_BYTES],
  ['launcher frame on every page (js+css)', launcherBytes, LAUNCHER_BUDGET_GZIP_BYTES],
  ...localeChunks.map((chunk) => [
    `launcher frame in ${chunk.name} (with ${chunk.fileName})`,
    launcherBytes + frameBytes(chunk.fileName),
    LAUNCHER_BUDGET_GZIP_BYTES,
  ]),
  ['app first open (entry + static imports, js+css)', appBytes, APP_BUDGET_GZIP_BYTES],
  ...localeChunks.map((chunk) => [
    `app first open in ${chunk.name} (with ${chunk.fileName})`,
    appBytes + frameBytes(chunk.fileName),
    APP_BUDGET_GZIP_BYTES,
  ]),
];
let isOverBudget = false;
for (const [name, bytes, budget] of rows) {
  const isOver = bytes > budget;
  isOverBudget ||= isOver;
  process.stdout.write(`${name}: ${bytes} B gzip (budget ${budget} B)${isOver ? '  OVER BUDGET' : ''}\n`);
}
for (const fileName of lazyFiles) {
  process.stdout.write(`lazy ${fileName}: ${frameBytes(fileName)} B gzip (loaded on demand)\n`);
}
if (isOverBudget) {
  process.stderr.write('widget build exceeds its size budget; shrink the bundle or justify a new budget.\n');
  process.exit(1);
}
