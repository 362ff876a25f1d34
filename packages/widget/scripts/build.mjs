// Builds the loader (dist/widget.js) and the chat frame (dist/frame/), then enforces size budgets.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const LOADER_BUDGET_GZIP_BYTES = 2048;
const APP_BUDGET_GZIP_BYTES = 30720;

await esbuild({
  entryPoints: [join(root, 'src/loader/widget.ts')],
  outfile: join(root, 'dist/widget.js'),
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2017',
  legalComments: 'none',
  logLevel: 'warning',
});

await vite({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });

const gzipBytes = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const loaderBytes = gzipBytes(join(root, 'dist/widget.js'));
const assetsDir = join(root, 'dist/frame/assets');
const appBytes = readdirSync(assetsDir)
  .filter((name) => name.endsWith('.js') || name.endsWith('.css'))
  .reduce((sum, name) => sum + gzipBytes(join(assetsDir, name)), 0);

const rows = [
  ['loader dist/widget.js', loaderBytes, LOADER_BUDGET_GZIP_BYTES],
  ['app dist/frame/assets (js+css)', appBytes, APP_BUDGET_GZIP_BYTES],
];
let isOverBudget = false;
for (const [name, bytes, budget] of rows) {
  const isOver = bytes > budget;
  isOverBudget ||= isOver;
  process.stdout.write(`${name}: ${bytes} B gzip (budget ${budget} B)${isOver ? '  OVER BUDGET' : ''}\n`);
}
if (isOverBudget) {
  process.stderr.write('widget build exceeds its size budget; shrink the bundle or justify a new budget.\n');
  process.exit(1);
}
