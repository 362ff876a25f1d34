import { readFileSync } from 'node:fs';
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
const NO_TRANSPORT = '\0hovor:engine.io-no-transport';
/** Transports engine.io-client's index re-exports; polling-xhr registers an unload handler on import. */
const UNUSED_TRANSPORTS = /^\.\/transports\/(polling-xhr(\.node)?|polling-fetch|webtransport)\.js$/;

/**
 * The frame connects with `transports: ['websocket']`, yet engine.io-client's transport table
 * pulls HTTP long-polling and WebTransport into the bundle (about 4 KB gzip), and its index
 * re-exports them too, where the top-level code of polling-xhr keeps it alive (about 1.5 KB
 * gzip). Swap the table for one holding the WebSocket transport alone, and the re-exported
 * transports for empty ones.
 */
function websocketOnlyEngine(): Plugin {
  let websocketModule = '';
  return {
    name: 'hovor:websocket-only-engine',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer?.includes('/engine.io-client/build/esm/')) return null;
      if (source === './transports/index.js') {
        websocketModule = join(dirname(importer), 'transports/websocket.js');
        return WEBSOCKET_ONLY;
      }
      return UNUSED_TRANSPORTS.test(source) ? NO_TRANSPORT : null;
    },
    load(id) {
      if (id === NO_TRANSPORT) return 'export const XHR = null, Fetch = null, WT = null;';
      if (id !== WEBSOCKET_ONLY) return null;
      return `import { WS } from ${JSON.stringify(websocketModule)}; export const transports = { websocket: WS };`;
    },
  };
}

const NO_BINARY = '\0hovor:socket.io-parser-no-binary';
const NO_BINARY_DETECTION = '\0hovor:socket.io-parser-no-binary-detection';

/**
 * Hovor's events carry JSON only, never binary data, yet socket.io-parser looks for binary
 * attachments in every packet and carries the code to split and rebuild them (about 500 B
 * gzip). Swap its binary helpers for ones that find none: every packet is sent as plain text;
 * a binary packet from the server, which Hovor never sends, would fail to decode.
 */
function socketIoWithoutBinary(): Plugin {
  return {
    name: 'hovor:socket-io-without-binary',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer?.includes('/socket.io-parser/build/esm/')) return null;
      if (source === './binary.js') return NO_BINARY;
      return source === './is-binary.js' ? NO_BINARY_DETECTION : null;
    },
    load(id) {
      if (id === NO_BINARY_DETECTION) return 'export const isBinary = () => false, hasBinary = () => false;';
      if (id !== NO_BINARY) return null;
      return "export const deconstructPacket = () => { throw new Error('no binary packets'); }, reconstructPacket = deconstructPacket;";
    },
  };
}

const PRELOAD_HELPER = '\0vite/preload-helper.js';

/**
 * Vite wraps every `import()` in a 2 KB helper that preloads the chunk's imports and CSS. The
 * frame's lazy chunks import only the entry, which is running by then, and carry no CSS file
 * (they inject their styles), so the helper would preload nothing: swap it for a pass-through,
 * and refuse a build where a lazy chunk needs CSS loaded for it.
 */
function lazyChunksWithoutPreload(): Plugin {
  return {
    name: 'hovor:lazy-chunks-without-preload',
    enforce: 'pre',
    load(id) {
      return id === PRELOAD_HELPER ? 'export const __vitePreload = (load) => load();' : null;
    },
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && !chunk.isEntry && chunk.viteMetadata?.importedCss.size) {
          this.error(
            `${chunk.fileName} imports CSS, which the pass-through preload would never load; import it with ?inline and inject it instead.`,
          );
        }
      }
    },
  };
}

const OWN_COPY = '?hovor-own-copy';
/** Modules of lazy chunks whose schemas get their own copy of the protocol and zod. */
const OWN_COPY_ROOTS = /\/src\/app\/leave-message\.ts$/;

/**
 * Rollup places a module shared by the entry and a lazy chunk in the entry, together with every
 * part of it that the lazy chunk uses. The offline form validates with the protocol's
 * `LeaveMessageInput`, whose zod checks (refinements, lengths) the chat never needs: they would
 * add ~600 B gzip to the first open. So the form's schema module imports the protocol and zod
 * as separate copies of their modules, which land in the lazy chunk alone.
 */
function ownCopyForLazySchemas(): Plugin {
  return {
    name: 'hovor:own-copy-for-lazy-schemas',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const isCopy = importer.endsWith(OWN_COPY);
      if (!isCopy && !(OWN_COPY_ROOTS.test(importer) && /^(@hovor\/protocol|zod)(\/|$)/.test(source)))
        return null;
      const from = isCopy ? importer.slice(0, -OWN_COPY.length) : importer;
      const resolved = await this.resolve(source, from, { ...options, skipSelf: true });
      if (!resolved || resolved.external) return resolved;
      return { id: resolved.id + OWN_COPY, moduleSideEffects: resolved.moduleSideEffects };
    },
    load(id) {
      return id.endsWith(OWN_COPY) ? readFileSync(id.slice(0, -OWN_COPY.length), 'utf8') : null;
    },
  };
}

/** The chat frame: served by the Hovor server under `/widget/` from `dist/frame/`. */
export default defineConfig({
  root: appRoot,
  base: '/widget/',
  publicDir: false,
  plugins: [
    protocolWithoutSideEffects(),
    websocketOnlyEngine(),
    socketIoWithoutBinary(),
    lazyChunksWithoutPreload(),
    ownCopyForLazySchemas(),
  ],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('./dist/frame', import.meta.url)),
    emptyOutDir: true,
    // No modulepreload links or polyfill: see lazyChunksWithoutPreload().
    modulePreload: false,
    target: 'es2020',
    minify: 'terser',
    terserOptions: {
      ecma: 2020,
      module: true,
      toplevel: true,
      compress: { passes: 3, pure_getters: true },
      format: { comments: false },
    },
    rollupOptions: { input: `${appRoot}/frame.html` },
  },
});
