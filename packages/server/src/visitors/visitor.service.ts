import { MAX_ATTRIBUTES, type VisitorAttributes } from '@hovor/protocol';
import { hashToken, newToken } from '../auth/tokens.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Site, SiteRepository } from '../sites/site.repository.js';
import { MIN_IDENTITY_SECRET_CHARS, verifyIdentityToken } from './identity.js';
import type { TokenHolder, Visitor, VisitorRepository } from './visitor.repository.js';

const toVisitor = ({ id, siteId, name }: TokenHolder): Visitor => ({ id, siteId, name });

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

/** How long a visitor token lasts unused, by default [P24]: each use moves it on. */
export const DEFAULT_VISITOR_TOKEN_TTL_MS = 90 * 24 * 3_600_000;
/** A token's last use is written at most this often (a handshake per page would write each time). */
const SEEN_WRITE_INTERVAL_MS = 24 * 3_600_000;

export function createVisitorService(deps: {
  visitors: VisitorRepository;
  sites: SiteRepository;
  /**
   * [P19] Gives the conversation open with the anonymous visitor `from` to the signed-in user's
   * visitor `to`; nothing else of `from` moves.
   */
  moveOpenConversation: (from: Visitor, to: Visitor) => Promise<void>;
  clock: Clock;
  /** How long a token lasts unused [P24]. */
  tokenTtlMs: number;
}) {
  const { tokenTtlMs } = deps;

  /**
   * [P24] The visitor a bare token opens: unknown, expired, of another site, or linked to a
   * site's user (who is opened by an identity token only) is null. A use moves the expiry on.
   */
  async function holderOf(siteId: string | null, token: string): Promise<TokenHolder | null> {
    const holder = await deps.visitors.findByTokenHash(hashToken(token));
    if (!holder || (siteId !== null && holder.siteId !== siteId)) return null;
    const now = deps.clock.now().getTime();
    const unusedMs = now - holder.lastSeenAt.getTime();
    if (unusedMs > tokenTtlMs) return null;
    if (unusedMs > SEEN_WRITE_INTERVAL_MS) await deps.visitors.noteSeen(holder.id, new Date(now));
    return holder;
  }

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

  /** [P19][P24] Whom a token's holder (and an identity token) opens on `site`; see `authenticate`. */
  async function openAs(site: Site | null, holder: TokenHolder | null, identity?: string): Promise<Visitor> {
    if (!site || !holder) throw new AppError('UNAUTHORIZED', 'Unknown or expired visitor token');
    if (identity === undefined) {
      if (holder.userId !== null) {
        throw new AppError('UNAUTHORIZED', 'This visitor is signed in; identify again or start anonymously');
      }
      return toVisitor(holder);
    }
    if (!site.identitySecret) {
      throw new AppError(
        'FORBIDDEN',
        `Identity token refused: site "${site.key}" has no identity secret (set one to identify visitors)`,
      );
    }
    const now = deps.clock.now();
    if (site.identitySecret.length < MIN_IDENTITY_SECRET_CHARS) {
      throw new AppError(
        'FORBIDDEN',
        `Identity token refused: site "${site.key}" has an identity secret shorter than ${MIN_IDENTITY_SECRET_CHARS} characters; set a longer one`,
      );
    }
    const user = verifyIdentityToken(identity, site.identitySecret, now.getTime(), {
      audience: site.identityAudience,
      issuer: site.identityIssuer,
    });
    let linkedId = await deps.visitors.findIdentity(site.id, user.userId);
    if (!linkedId) {
      // The user's visitor has a token nobody holds: it opens with an identity token only.
      const made = await deps.visitors.create(
        { siteId: site.id, tokenHash: hashToken(newToken()), name: user.name ?? holder.name },
        now,
      );
      linkedId = await deps.visitors.claimIdentity(site.id, user.userId, made.id, now);
      await deps.visitors.setIdentity(linkedId, user.userId, user.name, user.email);
      if (linkedId === made.id && holder.userId === null) {
        await deps.moveOpenConversation(toVisitor(holder), { ...made, name: user.name ?? holder.name });
      }
    } else {
      await deps.visitors.setIdentity(linkedId, user.userId, user.name, user.email);
    }
    const linked = await deps.visitors.findById(linkedId);
    if (!linked) throw new Error(`visitor ${linkedId} of user ${user.userId} is missing`);
    return linked;
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

    /**
     * The anonymous visitor of a token the browser still holds, or null when the token is unknown
     * here, expired, or opens a signed-in user's visitor (then only with an identity token) [P24].
     */
    async resume(
      siteKey: string,
      hostOrigin: string,
      token: string,
    ): Promise<{ visitor: Visitor; token: string } | null> {
      const site = await siteForOrigin(siteKey, hostOrigin);
      const holder = await holderOf(site.id, token);
      return holder && holder.userId === null ? { visitor: toVisitor(holder), token } : null;
    },

    /**
     * The visitor a token belongs to on this site, or UNAUTHORIZED [P24]. With an identity token
     * the site signed [P19], the visitor is the site's user, the same one on every device, whom no
     * bare token opens: the first time, a visitor is made for the user and the conversation open
     * in this browser moves to it; earlier anonymous chats stay with the anonymous visitor.
     */
    async authenticate(site: Site, token: string, identity?: string): Promise<Visitor> {
      return openAs(site, await holderOf(site.id, token), identity);
    },

    /** The visitor of a token (and identity) on whatever site it belongs to; UNAUTHORIZED if none. */
    async authenticateToken(token: string, identity?: string): Promise<Visitor> {
      const holder = await holderOf(null, token);
      const site = holder && (await deps.sites.findById(holder.siteId));
      return openAs(site, holder, identity);
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
