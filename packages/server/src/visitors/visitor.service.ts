import { hashToken, newToken } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Site, SiteRepository } from '../sites/site.repository.js';
import type { Visitor, VisitorRepository } from './visitor.repository.js';

/** Words for friendly anonymous names ("Visitor 4821" reads worse in a busy queue). */
const NAME_WORDS = [
  'Amber',
  'Birch',
  'Cedar',
  'Dune',
  'Ember',
  'Fern',
  'Glade',
  'Heath',
  'Iris',
  'Juniper',
  'Kestrel',
  'Linden',
];

export function createVisitorService(deps: {
  visitors: VisitorRepository;
  sites: SiteRepository;
  clock: Clock;
}) {
  /** The site, when `origin` is one of its allowed origins; ORIGIN_NOT_ALLOWED otherwise. */
  async function siteForOrigin(siteKey: string, origin: string | undefined): Promise<Site> {
    const site = await deps.sites.findByKey(siteKey);
    if (!site) throw new AppError('NOT_FOUND', `Unknown site key "${siteKey}"`);
    if (!origin || !site.allowedOrigins.includes(origin)) {
      throw new AppError(
        'ORIGIN_NOT_ALLOWED',
        `this page's origin ${origin ?? '(none)'} is not in the allowed origins of site "${siteKey}"; add it in the site settings of the Hovor console`,
      );
    }
    return site;
  }

  return {
    siteForOrigin,

    async siteByKey(siteKey: string): Promise<Site> {
      const site = await deps.sites.findByKey(siteKey);
      if (!site) throw new AppError('NOT_FOUND', `Unknown site key "${siteKey}"`);
      return site;
    },

    /** Creates an anonymous visitor; the token is returned once and stored hashed. */
    async create(siteKey: string, hostOrigin: string): Promise<{ visitor: Visitor; token: string }> {
      const site = await siteForOrigin(siteKey, hostOrigin);
      const token = newToken();
      const word = NAME_WORDS[Math.floor(Math.random() * NAME_WORDS.length)];
      const name = `${word} visitor ${Math.floor(1000 + Math.random() * 9000)}`;
      const visitor = await deps.visitors.create(
        { siteId: site.id, tokenHash: hashToken(token), name },
        deps.clock.now(),
      );
      return { visitor, token };
    },

    /** The visitor of a token the browser still holds, or null when it is unknown here. */
    async resume(
      siteKey: string,
      hostOrigin: string,
      token: string,
    ): Promise<{ visitor: Visitor; token: string } | null> {
      const site = await siteForOrigin(siteKey, hostOrigin);
      const visitor = await deps.visitors.findByTokenHash(hashToken(token));
      return visitor && visitor.siteId === site.id ? { visitor, token } : null;
    },

    /** The visitor a token belongs to on this site, or UNAUTHORIZED. */
    async authenticate(site: Site, token: string): Promise<Visitor> {
      const visitor = await deps.visitors.findByTokenHash(hashToken(token));
      if (!visitor || visitor.siteId !== site.id) throw new AppError('UNAUTHORIZED', 'Unknown visitor token');
      return visitor;
    },
  };
}
export type VisitorService = ReturnType<typeof createVisitorService>;
