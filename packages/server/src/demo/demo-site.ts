import { createServer, type Server } from 'node:http';

const PAGES: Record<string, { title: string; body: string }> = {
  '/': {
    title: 'Demo Shop',
    body: `<h1>Demo Shop</h1>
<p>Hand-made ceramics since 2009.</p>
<ul><li><a href="/product">Stoneware mug, 350 ml</a> — 24 €</li><li>Serving bowl — 58 €</li></ul>`,
  },
  '/product': {
    title: 'Stoneware mug — Demo Shop',
    body: `<h1>Stoneware mug, 350 ml</h1>
<p>Dishwasher safe. Ships in 2 days.</p><p><a href="/">Back to the shop</a></p>`,
  },
};

/**
 * An example shop on its own origin whose pages contain only the documented snippet, so the
 * widget runs cross-origin as on a customer's site.
 */
export function createDemoSite(options: { hovorUrl: string; siteKey: string }): Server {
  const snippet = `<script async src="${options.hovorUrl}/widget.js" data-site="${options.siteKey}"></script>`;
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const page = PAGES[url.pathname];
    if (!page || req.method !== 'GET') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style>
</head><body>
${page.body}
${snippet}
</body></html>`);
  });
}
