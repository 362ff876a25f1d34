import type { Availability } from '@hovor/protocol';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { isOpenAt } from '../sites/business-hours.js';
import type { Site } from '../sites/site.repository.js';
import type { Eligibility, SiteContext } from './eligibility.js';

/** [RT17] What a site offers a visitor now: live, queue, the offline form, or nothing. */
export function createAvailability(deps: { clock: Clock }, eligibility: Eligibility) {
  async function siteWithDepartment(siteId: string, departmentId: string | null): Promise<SiteContext> {
    const ctx = await eligibility.loadSite(siteId);
    if (!ctx) throw new AppError('NOT_FOUND', 'Unknown site');
    if (departmentId && !ctx.departments.has(departmentId)) {
      throw new AppError('NOT_FOUND', 'No such department on this site');
    }
    return ctx;
  }

  /** Inside the business hours of the department, else of the site [RT17]. */
  function isOpenNow(ctx: SiteContext, departmentId: string | null): boolean {
    const department = departmentId ? ctx.departments.get(departmentId) : undefined;
    return isOpenAt(department?.businessHours ?? ctx.site.routing.businessHours, deps.clock.now());
  }

  return {
    /**
     * [RT17] What the widget offers now: `offline` (or `hidden`) outside business hours (the
     * department's, else the site's) or, when the site says so, with nobody eligible; `live` when an
     * agent is free; `queue` otherwise.
     */
    async availability(siteId: string, departmentId: string | null, locale?: string): Promise<Availability> {
      const ctx = await siteWithDepartment(siteId, departmentId);
      const settings = ctx.site.routing;
      // The site's offline text in the chat's language, when it has one.
      const offlineText = (locale && ctx.site.texts[locale]?.offlineText) || settings.offlineText;
      const offline = { mode: settings.hideWhenOffline ? 'hidden' : 'offline', offlineText } as const;
      if (!isOpenNow(ctx, departmentId)) return offline;
      const hasEligible = (await eligibility.rankedEligible(ctx, [], departmentId)).length > 0;
      if (hasEligible) return { mode: 'live', offlineText };
      return settings.offlineWhenNoAgents ? offline : { mode: 'queue', offlineText };
    },

    /** [RT17] Whether a new chat may start now; cheaper than `availability` when only that matters (`known`: the site, read already). */
    async acceptsChats(siteId: string, departmentId: string | null, known?: Site): Promise<boolean> {
      // The common case needs nothing but the site the caller holds: no department, no agents.
      if (known && departmentId === null && !known.routing.offlineWhenNoAgents) {
        return isOpenAt(known.routing.businessHours, deps.clock.now());
      }
      const ctx = await siteWithDepartment(siteId, departmentId);
      if (!isOpenNow(ctx, departmentId)) return false;
      if (!ctx.site.routing.offlineWhenNoAgents) return true;
      return (await eligibility.rankedEligible(ctx, [], departmentId)).length > 0;
    },
  };
}
