import { randomBytes } from 'node:crypto';
import type { AgentRepository } from './agents/agent.repository.js';
import { hashPassword } from './auth/password.js';
import type { Clock } from './ports/clock.js';
import type { Site, SiteRepository } from './sites/site.repository.js';

export const DEMO_ADMIN_EMAIL = 'admin@hovor.local';

export interface FirstStart {
  site: Site;
  adminEmail: string;
  /** Generated, to be shown once (only its Argon2id hash is stored); null when the operator gave it. */
  generatedPassword: string | null;
}

/**
 * On the first start (no site yet) creates the demo site and an admin agent, with the given
 * e-mail and password or the demo e-mail and a generated password. Later starts change
 * nothing and return the existing demo site.
 */
export async function bootstrapFirstStart(deps: {
  sites: SiteRepository;
  agents: AgentRepository;
  clock: Clock;
  /** Pages the first site allows; none in production, where no demo page is served. */
  demoOrigins: string[];
  /** From ADMIN_EMAIL and ADMIN_PASSWORD. */
  admin?: { email?: string | undefined; password?: string | undefined };
}): Promise<{ site: Site | null; firstStart: FirstStart | null }> {
  if ((await deps.sites.count()) > 0) {
    return { site: await deps.sites.findByKey(DEMO_SITE_KEY), firstStart: null };
  }
  const now = deps.clock.now();
  const site = await deps.sites.create(
    {
      key: DEMO_SITE_KEY,
      name: 'Demo Shop',
      allowedOrigins: deps.demoOrigins,
      color: '#2563eb',
      greeting: 'Hi! How can we help?',
    },
    now,
  );
  const adminEmail = deps.admin?.email ?? DEMO_ADMIN_EMAIL;
  const givenPassword = deps.admin?.password;
  const adminPassword = givenPassword ?? randomBytes(12).toString('base64url');
  await deps.agents.create(
    {
      email: adminEmail,
      name: 'Admin',
      passwordHash: await hashPassword(adminPassword),
      role: 'admin',
      siteIds: [site.id],
    },
    now,
  );
  return {
    site,
    firstStart: { site, adminEmail, generatedPassword: givenPassword === undefined ? adminPassword : null },
  };
}

export const DEMO_SITE_KEY = 'demo-shop';
