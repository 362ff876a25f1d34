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
 * A shop page as hostile as customers' pages get: a strict Content-Security-Policy allowing only
 * what the README tells a site to allow for Hovor, a style sheet that unsets every style and
 * stacks everything on top, and a script that breaks built-in methods the loader might use.
 */
const STRICT_PAGE = {
  title: 'Strict page — Demo Shop',
  body: `<h1>Strict page</h1>
<p>This page allows no inline script or style, unsets all styles and breaks built-ins; the chat still works.</p>`,
};
const STRICT_CSS = `* { all: unset !important; z-index: 2147483647 !important; }
html, body, p, h1 { display: block !important; }`;
const STRICT_JS = `Array.prototype.includes = function () { return false; };
Array.prototype.indexOf = function () { return -1; };
Array.prototype.map = function () { return []; };
JSON.parse = function () { throw new Error('JSON.parse is disabled on this page'); };
JSON.stringify = function () { throw new Error('JSON.stringify is disabled on this page'); };
Array.prototype.forEach = function () { throw new Error('forEach is disabled on this page'); };
Array.from = function () { return []; };
window.fetch = function () { return Promise.reject(new Error('fetch is disabled on this page')); };`;

/** The directives a page must allow for Hovor (README, "Content Security Policy"). */
export function hovorCspDirectives(hovorUrl: string): string {
  const origin = new URL(hovorUrl).origin;
  return `script-src 'self' ${origin}; frame-src ${origin}`;
}

/**
 * An example shop on its own origin whose pages contain only the documented snippet, so the
 * widget runs cross-origin as on a customer's site. `/strict` is the hostile page.
 */
export function createDemoSite(options: { hovorUrl: string; siteKey: string }): Server {
  const snippet = `<script async src="${options.hovorUrl}/widget.js" data-site="${options.siteKey}"></script>`;
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    if (req.method === 'GET' && (url.pathname === '/strict.css' || url.pathname === '/strict.js')) {
      const isCss = url.pathname.endsWith('.css');
      res.writeHead(200, {
        'Content-Type': isCss ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(isCss ? STRICT_CSS : STRICT_JS);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/strict') {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': `default-src 'none'; ${hovorCspDirectives(options.hovorUrl)}; style-src 'self'; base-uri 'none'; form-action 'none'`,
      });
      res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${STRICT_PAGE.title}</title>
<link rel="stylesheet" href="/strict.css"><script src="/strict.js"></script>
</head><body>
${STRICT_PAGE.body}
${snippet}
</body></html>`);
      return;
    }
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
