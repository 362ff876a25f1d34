import { existsSync } from 'node:fs';
import path from 'node:path';
import { SiteKey } from '@hovor/protocol';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import { AppError } from '../errors.js';
import type { SiteRepository } from '../sites/site.repository.js';
import { routesOf } from './guard.js';
import { setPagePolicy } from './security-headers.js';

export interface StaticPaths {
  /** Built widget: `widget.js` and `frame/`. */
  widgetDist: string;
  /** Built console SPA. */
  consoleDist: string;
}

/** Serves the loader, the chat frame (with `frame-ancestors` from the site) and the console. */
export function staticRoutes(deps: {
  paths: StaticPaths;
  sites: SiteRepository;
  publicOrigin: string;
}): Router {
  const router = Router();
  const on = routesOf(router);
  const { widgetDist, consoleDist } = deps.paths;
  const frameDir = path.join(widgetDist, 'frame');
  const wsOrigin = deps.publicOrigin.replace(/^http/, 'ws');
  const notBuilt = (what: string) =>
    new AppError('UNAVAILABLE', `The ${what} is not built; run the build first`);

  on('GET /widget.js', (_req, res, next) => {
    const file = path.join(widgetDist, 'widget.js');
    if (!existsSync(file)) return next(notBuilt('widget'));
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.sendFile(file);
  });

  // The types of the page API (`window.Hovor`), for site developers' TypeScript.
  on('GET /widget.d.ts', (_req, res, next) => {
    const file = path.join(widgetDist, 'widget.d.ts');
    if (!existsSync(file)) return next(notBuilt('widget'));
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type('text/plain; charset=utf-8').sendFile(file);
  });

  on('GET /widget/frame.html', async (req, res, next) => {
    try {
      const key = SiteKey.safeParse(req.query.site);
      if (!key.success) throw new AppError('BAD_REQUEST', 'The frame needs ?site=SITE_KEY');
      const site = await deps.sites.findByKey(key.data);
      if (!site) throw new AppError('NOT_FOUND', 'Unknown site');
      const file = path.join(frameDir, 'frame.html');
      if (!existsSync(file)) throw notBuilt('widget');
      const ancestors = site.allowedOrigins.length > 0 ? site.allowedOrigins.join(' ') : "'none'";
      setPagePolicy(res, [
        `frame-ancestors ${ancestors}`,
        "default-src 'self'",
        `connect-src 'self' ${wsOrigin}`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "base-uri 'none'",
        "form-action 'none'",
      ]);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(file);
    } catch (error) {
      next(error);
    }
  });

  /**
   * The launcher frame: on every page of every site, so any page may embed it (no
   * frame-ancestors); it shows only a button, and learns from the server whether the page's
   * origin may chat (the chat frame itself is refused to other origins).
   */
  on('GET /widget/launcher.html', (req, res, next) => {
    if (!SiteKey.safeParse(req.query.site).success) {
      return next(new AppError('BAD_REQUEST', 'The launcher needs ?site=SITE_KEY'));
    }
    const file = path.join(frameDir, 'launcher.html');
    if (!existsSync(file)) return next(notBuilt('widget'));
    setPagePolicy(res, [
      "default-src 'self'",
      "connect-src 'self'",
      "style-src 'self'",
      "img-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file);
  });

  router.use('/widget', staticAssets(frameDir, { immutable: true, maxAge: '1y' }));

  // An HTML path here falls through to the console's page below, which carries its policy.
  router.use('/console', staticAssets(consoleDist, {}));
  const consolePage: RequestHandler = (_req, res, next) => {
    const file = path.join(consoleDist, 'index.html');
    if (!existsSync(file)) return next(notBuilt('console'));
    setPagePolicy(res, [
      "default-src 'self'",
      `connect-src 'self' ${wsOrigin}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ]);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file);
  };
  on('GET /console', consolePage);
  on('GET /console/{*rest}', consolePage);

  on('GET /', (_req, res) => res.redirect('/console/'));
  return router;
}

/**
 * A built folder's scripts, styles and images, never its pages: the pages are served only by
 * the routes above, each with its Content-Security-Policy. The static server normalizes paths
 * the routes do not match (`/widget//frame.html`, `frame%2ehtml`, `x/../frame.html`, and on
 * case-insensitive or Windows file systems `FRAME.HTML`, `frame.html.`), so any path that
 * could resolve to a page is passed on instead of served.
 */
function staticAssets(root: string, options: { immutable?: boolean; maxAge?: string }) {
  const serve = express.static(root, { ...options, index: false, redirect: false });
  return (req: Request, res: Response, next: NextFunction) => {
    if (mayBePage(req.path)) return next();
    serve(req, res, next);
  };
}

/** Whether a request path might name an HTML file once decoded as the static server decodes it. */
export function mayBePage(requestPath: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return true;
  }
  return /\.x?html?(?![a-z0-9])/i.test(decoded);
}
