import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const appRoot = fileURLToPath(new URL('./src/app', import.meta.url));

/**
 * The protocol declares its schemas at top level with zod calls, which Rollup must assume to
 * have effects, so by default every schema of every namespace lands in the frame. Its modules
 * have no effects: flagging them lets Rollup keep only the schemas the frame uses.
 */
function protocolWithoutSideEffects(): Plugin {
  return {
    name: 'hovor:protocol-without-side-effects',
    transform(code, id) {
      if (!id.includes('/packages/protocol/src/')) return null;
      // Every `z.xxx(` call builds a schema and nothing else: mark it pure.
      return {
        code: code.replace(/(?<![\w.$])z\.(?=\w+\()/g, '/* @__PURE__ */ z.'),
        map: null,
        moduleSideEffects: false,
      };
    },
  };
}

const WEBSOCKET_ONLY = '\0hovor:engine.io-websocket-only';

/**
 * The frame connects with `transports: ['websocket']`, yet engine.io-client's transport table
 * pulls HTTP long-polling and WebTransport into the bundle (about 4 KB gzip). Swap the table
 * for one holding the WebSocket transport alone.
 */
function websocketOnlyEngine(): Plugin {
  let websocketModule = '';
  return {
    name: 'hovor:websocket-only-engine',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source !== './transports/index.js' || !importer?.includes('/engine.io-client/build/esm/'))
        return null;
      websocketModule = join(dirname(importer), 'transports/websocket.js');
      return WEBSOCKET_ONLY;
    },
    load(id) {
      if (id !== WEBSOCKET_ONLY) return null;
      return `import { WS } from ${JSON.stringify(websocketModule)}; export const transports = { websocket: WS };`;
    },
  };
}

/** The chat frame: served by the Hovor server under `/widget/` from `dist/frame/`. */
export default defineConfig({
  root: appRoot,
  base: '/widget/',
  publicDir: false,
  plugins: [protocolWithoutSideEffects(), websocketOnlyEngine()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('./dist/frame', import.meta.url)),
    emptyOutDir: true,
    // One chunk and no dynamic imports: the modulepreload polyfill would be dead weight.
    modulePreload: { polyfill: false },
    target: 'es2020',
    rollupOptions: { input: `${appRoot}/frame.html` },
  },
});
