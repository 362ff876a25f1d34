import { existsSync } from 'node:fs';
import path from 'node:path';
import { SiteKey } from '@hovor/protocol';
import express, { Router } from 'express';
import { AppError } from '../errors.js';
import type { SiteRepository } from '../sites/site.repository.js';

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
  const { widgetDist, consoleDist } = deps.paths;
  const frameDir = path.join(widgetDist, 'frame');
  const wsOrigin = deps.publicOrigin.replace(/^http/, 'ws');
  const notBuilt = (what: string) =>
    new AppError('UNAVAILABLE', `The ${what} is not built; run the build first`);

  router.get('/widget.js', (_req, res, next) => {
    const file = path.join(widgetDist, 'widget.js');
    if (!existsSync(file)) return next(notBuilt('widget'));
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.sendFile(file);
  });

  // The types of the page API (`window.Hovor`), for site developers' TypeScript.
  router.get('/widget.d.ts', (_req, res, next) => {
    const file = path.join(widgetDist, 'widget.d.ts');
    if (!existsSync(file)) return next(notBuilt('widget'));
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type('text/plain; charset=utf-8').sendFile(file);
  });

  router.get('/widget/frame.html', async (req, res, next) => {
    try {
      const key = SiteKey.safeParse(req.query.site);
      if (!key.success) throw new AppError('BAD_REQUEST', 'The frame needs ?site=SITE_KEY');
      const site = await deps.sites.findByKey(key.data);
      if (!site) throw new AppError('NOT_FOUND', 'Unknown site');
      const file = path.join(frameDir, 'frame.html');
      if (!existsSync(file)) throw notBuilt('widget');
      const ancestors = site.allowedOrigins.length > 0 ? site.allowedOrigins.join(' ') : "'none'";
      res.setHeader(
        'Content-Security-Policy',
        [
          `frame-ancestors ${ancestors}`,
          "default-src 'self'",
          `connect-src 'self' ${wsOrigin}`,
          "style-src 'self' 'unsafe-inline'",
          "img-src 'self' data: blob:",
          "base-uri 'none'",
          "form-action 'none'",
        ].join('; '),
      );
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
  router.get('/widget/launcher.html', (req, res, next) => {
    if (!SiteKey.safeParse(req.query.site).success) {
      return next(new AppError('BAD_REQUEST', 'The launcher needs ?site=SITE_KEY'));
    }
    const file = path.join(frameDir, 'launcher.html');
    if (!existsSync(file)) return next(notBuilt('widget'));
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "connect-src 'self'",
        "style-src 'self'",
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; '),
    );
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file);
  });

  router.use('/widget', express.static(frameDir, { index: false, immutable: true, maxAge: '1y' }));

  router.use('/console', express.static(consoleDist, { index: false }));
  router.get(['/console', '/console/{*rest}'], (_req, res, next) => {
    const file = path.join(consoleDist, 'index.html');
    if (!existsSync(file)) return next(notBuilt('console'));
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `connect-src 'self' ${wsOrigin}`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ].join('; '),
    );
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file);
  });

  router.get('/', (_req, res) => res.redirect('/console/'));
  return router;
}
