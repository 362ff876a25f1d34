import { readFileSync } from 'node:fs';
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

const OWN_COPY = '?hovor-own-copy=';
/**
 * Modules of lazy chunks whose schemas get their own copy of the protocol and zod, one copy per
 * root (the offline form; the launcher's parsers), so no two of them share a chunk either.
 */
const OWN_COPY_ROOTS = /\/src\/app\/(leave-message|launcher\/parsers)\.ts$/;

/**
 * Rollup places a module shared by the entry and a lazy chunk in the entry, together with every
 * part of it that the lazy chunk uses. The offline form validates with the protocol's
 * `LeaveMessageInput`, whose zod checks (refinements, lengths) the chat never needs: they would
 * add ~600 B gzip to the first open. The launcher's parsers, shared with the chat frame, would
 * split the frame's zod into a chunk of its own (~2 KB more at first open, gzip working on two
 * files). So these modules import the protocol and zod as separate copies of their modules,
 * which land in their lazy chunk alone.
 */
function ownCopyForLazySchemas(): Plugin {
  const copyOf = (id: string) => {
    const at = id.indexOf(OWN_COPY);
    return at < 0 ? null : { file: id.slice(0, at), root: id.slice(at + OWN_COPY.length) };
  };
  return {
    name: 'hovor:own-copy-for-lazy-schemas',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const copy = copyOf(importer);
      const root = copy?.root ?? OWN_COPY_ROOTS.exec(importer)?.[1];
      if (!root || (!copy && !/^(@hovor\/protocol|zod)(\/|$)/.test(source))) return null;
      const resolved = await this.resolve(source, copy?.file ?? importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external) return resolved;
      return {
        id: `${resolved.id}${OWN_COPY}${root.replace('/', '-')}`,
        moduleSideEffects: resolved.moduleSideEffects,
      };
    },
    load(id) {
      const copy = copyOf(id);
      return copy ? readFileSync(copy.file, 'utf8') : null;
    },
  };
}

/** The chat frame and the launcher frame: served by the Hovor server under `/widget/` from `dist/frame/`. */
export default defineConfig({
  root: appRoot,
  base: '/widget/',
  publicDir: false,
  plugins: [protocolWithoutSideEffects(), lazyChunksWithoutPreload(), ownCopyForLazySchemas()],
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
    rollupOptions: { input: { frame: `${appRoot}/frame.html`, launcher: `${appRoot}/launcher.html` } },
  },
});
