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

export function createSiteRepository(c: Collections) {
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
      return toSite(doc);
    },
    async findByKey(key: string): Promise<Site | null> {
      const doc = await c.sites.findOne({ key });
      return doc ? toSite(doc) : null;
    },
    async findById(id: string): Promise<Site | null> {
      const doc = await c.sites.findOne({ _id: id });
      return doc ? toSite(doc) : null;
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
