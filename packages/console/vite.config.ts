import { defineConfig } from 'vite';

/** Where `pnpm start` of the server listens; `vite` dev proxies the API and sockets there. */
const DEV_SERVER_URL = 'http://localhost:3000';

export default defineConfig({
  // The server mounts the built console at /console/.
  base: '/console/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': DEV_SERVER_URL,
      '/socket.io': { target: DEV_SERVER_URL, ws: true },
    },
  },
});
