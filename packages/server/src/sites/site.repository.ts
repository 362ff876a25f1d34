import type { UpdateFilter } from 'mongodb';
import type { Collections, PreChatSettings, SiteDoc, SiteTexts } from '../db/collections.js';
import { newId } from '../db/ids.js';
import { type RoutingSettings, withRoutingDefaults } from './routing-settings.js';

export type Site = {
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  color: string;
  greeting: string;
  /** The chat's language on this site; null: the visitor's browser decides. */
  locale: string | null;
  theme: 'light' | 'dark' | 'auto';
  position: 'left' | 'right';
  launcherText: string;
  sound: boolean;
  preChat: PreChatSettings | null;
  /** The secret identity tokens are signed with; null: the site does not identify visitors [P19]. */
  identitySecret: string | null;
  /** Whether pages' query strings and fragments are kept; off by default [P18]. */
  keepsFullPageUrls: boolean;
  /** When set, an identity token must carry this `aud` [P19]. */
  identityAudience: string | null;
  /** When set, an identity token must carry this `iss` [P19]. */
  identityIssuer: string | null;
  /** The site's greeting and offline text in other languages, by language code. */
  texts: Record<string, SiteTexts>;
  routing: RoutingSettings;
};

function toSite(doc: SiteDoc): Site {
  return {
    id: doc._id,
    key: doc.key,
    name: doc.name,
    allowedOrigins: doc.allowedOrigins,
    color: doc.color,
    greeting: doc.greeting,
    locale: doc.locale ?? null,
    theme: doc.theme ?? 'light',
    position: doc.position ?? 'right',
    launcherText: doc.launcherText ?? '',
    sound: doc.sound ?? true,
    preChat: doc.preChat ?? null,
    identitySecret: doc.identitySecret ?? null,
    keepsFullPageUrls: doc.keepsFullPageUrls ?? false,
    identityAudience: doc.identityAudience ?? null,
    identityIssuer: doc.identityIssuer ?? null,
    texts: doc.texts ?? {},
    routing: withRoutingDefaults(doc.routing),
  };
}

/**
 * How long a node trusts a site it has read, in ms. Every chat start, token and handshake needs
 * its site; a change made on another node (or by the CLI) takes effect here within this time, on
 * the node that made it at once.
 */
export const SITE_CACHE_MS = 1_000;
/** Sites (and unknown keys) a node keeps at most. */
const MAX_CACHED_SITES = 1_000;

export function createSiteRepository(c: Collections, nowMs: () => number = Date.now) {
  /** By `id:<id>` and `key:<key>`; null: no such site (so unknown keys cost no read either). */
  const cache = new Map<string, { site: Site | null; at: number }>();

  async function cached(name: string, read: () => Promise<SiteDoc | null>): Promise<Site | null> {
    const entry = cache.get(name);
    if (entry && nowMs() - entry.at < SITE_CACHE_MS) return entry.site;
    const doc = await read();
    const site = doc ? toSite(doc) : null;
    cache.delete(name);
    cache.set(name, { site, at: nowMs() });
    if (cache.size > MAX_CACHED_SITES) cache.delete(cache.keys().next().value!);
    return site;
  }

  function forget(site: { id: string; key: string }): void {
    cache.delete(`id:${site.id}`);
    cache.delete(`key:${site.key}`);
  }

  return {
    async create(
      input: Omit<
        Site,
        | 'id'
        | 'routing'
        | 'locale'
        | 'theme'
        | 'texts'
        | 'position'
        | 'launcherText'
        | 'identitySecret'
        | 'identityAudience'
        | 'identityIssuer'
        | 'keepsFullPageUrls'
        | 'sound'
        | 'preChat'
      > & {
        preChat?: PreChatSettings | null;
        sound?: boolean;
        identitySecret?: string | null;
        identityAudience?: string | null;
        identityIssuer?: string | null;
        keepsFullPageUrls?: boolean;
        texts?: Site['texts'];
        position?: Site['position'];
        launcherText?: string;
        routing?: Partial<RoutingSettings>;
        locale?: string | null;
        theme?: Site['theme'];
      },
      now: Date,
    ): Promise<Site> {
      const doc: SiteDoc = { _id: newId(), ...input, createdAt: now };
      await c.sites.insertOne(doc);
      const site = toSite(doc);
      forget(site);
      return site;
    },
    /** The site with this public key (read at most once a SITE_CACHE_MS on this node). */
    findByKey(key: string): Promise<Site | null> {
      return cached(`key:${key}`, () => c.sites.findOne({ key }));
    },
    /** The site with this id (read at most once a SITE_CACHE_MS on this node). */
    findById(id: string): Promise<Site | null> {
      return cached(`id:${id}`, () => c.sites.findOne({ _id: id }));
    },
    /** Changes a site's stored settings; this node sees the change at once, others within SITE_CACHE_MS. */
    async update(id: string, change: UpdateFilter<SiteDoc>): Promise<void> {
      const doc = await c.sites.findOneAndUpdate({ _id: id }, change, { returnDocument: 'after' });
      cache.delete(`id:${id}`);
      if (doc) cache.delete(`key:${doc.key}`);
    },
    async listAll(): Promise<Site[]> {
      return (await c.sites.find({}).toArray()).map(toSite);
    },
    async count(): Promise<number> {
      return c.sites.countDocuments({});
    },
  };
}
export type SiteRepository = ReturnType<typeof createSiteRepository>;
