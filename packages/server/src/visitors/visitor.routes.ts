import {
  API_PREFIX,
  type Availability,
  AvailabilityQuery,
  type CreatedVisitor,
  CreateVisitorBody,
  SiteKeyParams,
  VisitorToken,
  type WidgetConfig,
  WidgetConfigQuery,
} from '@hovor/protocol';
import { Router } from 'express';
import { readCookie } from '../auth/auth.service.js';
import { AppError } from '../errors.js';
import { routesOf } from '../http/guard.js';
import { parse, route } from '../http/respond.js';
import { limitByIp } from '../limits/limit-by-ip.js';
import type { RateLimits } from '../limits/rate-limiter.js';
import type { VisitorService } from './visitor.service.js';

/** One cookie per site, so two Hovor sites embedded on one page keep separate visitors. */
function visitorCookieName(siteKey: string): string {
  return `hovor_visitor_${siteKey}`;
}

export function visitorRoutes(deps: {
  visitors: VisitorService;
  /** The site's departments, for the pre-chat form's choice. */
  departmentsOf: (siteId: string) => Promise<Array<{ id: string; name: string }>>;
  /** What the site (or a department of it) offers now [RT17]. */
  availability: (siteId: string, departmentId: string | null, locale?: string) => Promise<Availability>;
  publicOrigin: string;
  /** How long a visitor token lasts unused [P24]. */
  tokenTtlMs: number;
  /** [A4] New visitors are limited per address. */
  rateLimits: Pick<RateLimits, 'consume'>;
}): Router {
  const router = Router();
  const on = routesOf(router);

  /**
   * The launcher frame's first call (same origin, with the host page's origin, which it learned
   * from the loader's message, as `?origin=`), or a page's own (cross-origin, CORS for any origin).
   * Refuses a page whose origin the site does not allow, with a message that names the origin, so
   * the page's console says at once why it gets no chat.
   */
  on(
    'GET /api/v1/sites/:siteKey/widget-config',
    route(async (req, res): Promise<WidgetConfig> => {
      const { siteKey } = parse(SiteKeyParams, req.params);
      const query = parse(WidgetConfigQuery, req.query);
      const origin = req.headers.origin ?? query.origin;
      res.vary('Origin');
      // Readable by any origin: the answer holds only public look and texts, or that refusal.
      if (req.headers.origin) res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
      // Without an origin this is not a page's request: nothing to enforce.
      const site = origin
        ? await deps.visitors.siteForOrigin(siteKey, origin)
        : await deps.visitors.siteByKey(siteKey);
      const inOtherLanguages = (text: 'greeting' | 'launcherText' | 'consent') =>
        Object.entries(site.texts).flatMap(([locale, texts]) => {
          const value = texts[text];
          return value ? [{ locale, text: value }] : [];
        });
      return {
        siteKey: site.key,
        siteName: site.name,
        color: site.color,
        greeting: site.greeting,
        locale: site.locale,
        greetings: inOtherLanguages('greeting'),
        theme: site.theme,
        position: site.position,
        launcherText: site.launcherText,
        sound: site.sound,
        preChat: site.preChat && {
          name: site.preChat.name,
          email: site.preChat.email,
          departments: site.preChat.department
            ? (await deps.departmentsOf(site.id)).map(({ id, name }) => ({ id, name }))
            : [],
          consent: site.preChat.consent,
          consents: site.preChat.consent ? inOtherLanguages('consent') : [],
        },
        launcherTexts: inOtherLanguages('launcherText'),
        hidesWhenOffline: site.routing.hideWhenOffline,
      };
    }),
  );

  /**
   * [P22] What the site offers a page now, before any chat: the launcher asks it to hide while the
   * site hides when offline, and to tell the page's `availability` listeners. Checked against the
   * site's origins like the config; never cached, it changes as agents come and go.
   */
  on(
    'GET /api/v1/sites/:siteKey/availability',
    route(async (req, res): Promise<Availability> => {
      const { siteKey } = parse(SiteKeyParams, req.params);
      const query = parse(AvailabilityQuery, req.query);
      res.vary('Origin');
      res.setHeader('Cache-Control', 'no-store');
      if (req.headers.origin) res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
      const site = await deps.visitors.siteForOrigin(siteKey, req.headers.origin ?? query.origin);
      return deps.availability(site.id, query.departmentId ?? null, query.locale);
    }),
  );

  /**
   * Called by the chat frame, which lives on Hovor's origin: no CORS, same origin only.
   * Resumes the visitor of the frame's partitioned cookie, or creates one (ADR 0004).
   */
  on(
    'POST /api/v1/visitors',
    limitByIp(deps.rateLimits, 'ipVisitorCreations'),
    route(async (req, res): Promise<CreatedVisitor> => {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== deps.publicOrigin) {
        throw new AppError('FORBIDDEN', 'Visitors are created by the chat frame only');
      }
      const body = parse(CreateVisitorBody, req.body);
      const cookieName = visitorCookieName(body.siteKey);
      const known = VisitorToken.safeParse(readCookie(req.headers.cookie, cookieName));
      // A reset (`fresh`) is a new anonymous visitor, whatever the cookie holds [P19].
      const resumed =
        known.success && !body.fresh
          ? await deps.visitors.resume(body.siteKey, body.hostOrigin, known.data)
          : null;
      const { visitor, token } = resumed ?? (await deps.visitors.create(body.siteKey, body.hostOrigin));
      res.cookie(cookieName, token, {
        httpOnly: true,
        secure: true,
        sameSite: 'none',
        partitioned: true,
        path: `${API_PREFIX}/visitors`,
        // As long as the token lasts unused; each resume sets it again [P24].
        maxAge: deps.tokenTtlMs,
      });
      return { visitorId: visitor.id, token };
    }),
  );

  return router;
}
