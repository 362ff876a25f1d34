import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** One year: browsers keep using https for Hovor's host without asking again. */
const HSTS_MAX_AGE_S = 31_536_000;

/**
 * The headers every response starts with, strict enough for JSON, errors and plain files:
 * nothing may load from them, frame them or submit to them. A route that serves a page
 * replaces the policy with the page's own ({@link setPagePolicy}); one loaded by other sites
 * relaxes Cross-Origin-Resource-Policy itself (widget.js).
 */
export function securityHeaders(options: { isHttps: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    // Over plain http (local runs) browsers ignore HSTS, and a dev machine's localhost must stay usable.
    strictTransportSecurity: options.isHttps ? { maxAge: HSTS_MAX_AGE_S, includeSubDomains: true } : false,
  });
}

/**
 * Gives a page its own Content-Security-Policy in place of the default. X-Frame-Options
 * cannot name origins, so it stays only on pages nobody may frame (`frame-ancestors 'none'`);
 * the chat and launcher frames live inside customers' pages, where it would blank them.
 */
export function setPagePolicy(res: Response, directives: readonly string[]): void {
  res.setHeader('Content-Security-Policy', directives.join('; '));
  if (!directives.includes("frame-ancestors 'none'")) res.removeHeader('X-Frame-Options');
}
