import { MAX_ATTRIBUTES, type VisitorAttributes } from '@hovor/protocol';
import { hashToken, newToken } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Site, SiteRepository } from '../sites/site.repository.js';
import { verifyIdentityToken } from './identity.js';
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

    /**
     * The visitor a token belongs to on this site, or UNAUTHORIZED. With an identity token the
     * site signed [P19], the visitor is the site's user, the same one on every device: the first
     * time, this browser's anonymous visitor becomes the user (their chats with it), unless it is
     * another user's already, then a new visitor is made for the user.
     */
    async authenticate(site: Site, token: string, identity?: string): Promise<Visitor> {
      const visitor = await deps.visitors.findByTokenHash(hashToken(token));
      if (!visitor || visitor.siteId !== site.id) throw new AppError('UNAUTHORIZED', 'Unknown visitor token');
      if (identity === undefined) return visitor;
      if (!site.identitySecret) {
        throw new AppError(
          'FORBIDDEN',
          `Identity token refused: site "${site.key}" has no identity secret (set one to identify visitors)`,
        );
      }
      const now = deps.clock.now();
      const user = verifyIdentityToken(identity, site.identitySecret, now.getTime());
      let linkedId = await deps.visitors.findIdentity(site.id, user.userId);
      if (!linkedId) {
        const isOthers = (await deps.visitors.userIdOf(visitor.id)) !== null;
        const candidate = isOthers
          ? await deps.visitors.create(
              { siteId: site.id, tokenHash: hashToken(newToken()), name: visitor.name },
              now,
            )
          : visitor;
        linkedId = await deps.visitors.claimIdentity(site.id, user.userId, candidate.id, now);
      }
      await deps.visitors.setIdentity(linkedId, user.userId, user.name, user.email);
      const linked = await deps.visitors.findById(linkedId);
      if (!linked) throw new Error(`visitor ${linkedId} of user ${user.userId} is missing`);
      return linked;
    },

    /** The visitor of a token (and identity) on whatever site it belongs to; UNAUTHORIZED if none. */
    async authenticateToken(token: string, identity?: string): Promise<Visitor> {
      const visitor = await deps.visitors.findByTokenHash(hashToken(token));
      const site = visitor && (await deps.sites.findById(visitor.siteId));
      if (!site) throw new AppError('UNAUTHORIZED', 'Unknown visitor token');
      return this.authenticate(site, token, identity);
    },

    /** [P19] Merges the page's facts about the visitor, at most MAX_ATTRIBUTES in all. */
    async setAttributes(visitor: Visitor, attributes: VisitorAttributes): Promise<null> {
      const merged = await deps.visitors.mergeAttributes(
        visitor.id,
        attributes,
        MAX_ATTRIBUTES,
        deps.clock.now(),
      );
      // A page cannot grow a visitor past the limit one call at a time either.
      if (!merged) throw new AppError('BAD_REQUEST', `A visitor has at most ${MAX_ATTRIBUTES} attributes`);
      return null;
    },
  };
}
export type VisitorService = ReturnType<typeof createVisitorService>;
