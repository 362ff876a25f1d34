import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import type { Clock } from '../ports/clock.js';
import type { Department, DepartmentRepository } from '../sites/department.repository.js';
import type { Site, SiteRepository } from '../sites/site.repository.js';
import type { CapacityRepository } from './capacity.repository.js';
import { type Candidate, rankCandidates } from './choose-agent.js';
import type { LeaseRepository } from './lease.repository.js';

export interface EligibilityDeps {
  agents: AgentRepository;
  sites: SiteRepository;
  departments: DepartmentRepository;
  capacity: CapacityRepository;
  leases: LeaseRepository;
  clock: Clock;
  /** Capacity of agents whose site and own settings name none. */
  defaultCapacity: number;
}

export type SiteContext = {
  site: Site;
  agents: Agent[];
  departments: Map<string, Department>;
  /**
   * The site's eligible agents (online, connected) with their load, read once in this pass and kept
   * current in memory as this pass assigns: a burst of chats costs one read of presence and load,
   * not one per chat. Stale entries only cost a lost claim; the claims decide [RT3].
   */
  eligible: Candidate[] | null;
};

/** How far fallback departments are followed; a loop in the settings ends here. */
const MAX_FALLBACK_DEPTH = 5;

/** Who may take a chat [RT1], in which order [RT2], with which department answering [RT15]. */
export function createEligibility(deps: EligibilityDeps) {
  async function loadSite(siteId: string): Promise<SiteContext | null> {
    const [site, agents, departments] = await Promise.all([
      deps.sites.findById(siteId),
      deps.agents.listBySite(siteId),
      deps.departments.listBySite(siteId),
    ]);
    if (!site) return null;
    return { site, agents, departments: new Map(departments.map((d) => [d.id, d])), eligible: null };
  }

  function strategyOf(ctx: SiteContext, departmentId: string | null) {
    return (departmentId ? ctx.departments.get(departmentId)?.strategy : null) ?? ctx.site.routing.strategy;
  }

  const capacityOf = (agent: Agent, site: Site) =>
    agent.capacity ?? site.routing.defaultCapacity ?? deps.defaultCapacity;

  /**
   * [RT1] Online, connected, with free capacity, of the department (any agent of the site for
   * the general queue); ranked by the department's strategy [RT2]. [RT15] When nobody there is
   * eligible, the department's fallback answers, and so on.
   */
  async function rankedEligible(
    ctx: SiteContext,
    excluded: readonly string[],
    departmentId: string | null,
  ): Promise<Candidate[]> {
    await eligibleIn(ctx, null);
    return rankedNow(ctx, excluded, departmentId);
  }

  async function rankedIn(ctx: SiteContext, excluded: readonly string[], departmentId: string | null) {
    const strategy = strategyOf(ctx, departmentId) === 'round-robin' ? 'round-robin' : 'least-busy';
    const ranked = rankCandidates(await eligibleIn(ctx, departmentId), strategy);
    // [RT8] Agents a chat was taken from come last: only when nobody else can take it.
    return [
      ...ranked.filter((candidate) => !excluded.includes(candidate.id)),
      ...ranked.filter((candidate) => excluded.includes(candidate.id)),
    ];
  }

  async function eligibleIn(ctx: SiteContext, departmentId: string | null): Promise<Candidate[]> {
    ctx.eligible ??= await eligibleOfSite(ctx);
    if (departmentId === null) return ctx.eligible;
    const members = new Set(
      ctx.agents.filter((agent) => agent.departmentIds.includes(departmentId)).map((agent) => agent.id),
    );
    return ctx.eligible.filter((candidate) => members.has(candidate.id));
  }

  async function eligibleOfSite(ctx: SiteContext): Promise<Candidate[]> {
    const now = deps.clock.now();
    const online = ctx.agents.filter((agent) => agent.status === 'online');
    const onlineIds = online.map((agent) => agent.id);
    // Presence, load and turns read at once (one round trip, not two): the load of an online
    // agent who turns out not connected is read for nothing, which costs less than waiting.
    const [connected, active, lastAssigned] = await Promise.all([
      deps.leases.connectedAgentIds(onlineIds, now),
      deps.capacity.countByAgent(onlineIds),
      deps.agents.lastAssignedAt(onlineIds),
    ]);
    const eligible = online.filter((agent) => connected.has(agent.id));
    return eligible.map((agent) => ({
      id: agent.id,
      active: active.get(agent.id) ?? 0,
      capacity: capacityOf(agent, ctx.site),
      lastAssignedAt: lastAssigned.get(agent.id) ?? null,
    }));
  }

  /** The candidates of `rankedEligible`, from what this pass has read already (`eligibleIn` ran). */
  function rankedNow(
    ctx: SiteContext,
    excluded: readonly string[],
    departmentId: string | null,
    depth = 0,
  ): Candidate[] {
    const members =
      departmentId === null
        ? null
        : new Set(ctx.agents.filter((a) => a.departmentIds.includes(departmentId)).map((a) => a.id));
    const strategy = strategyOf(ctx, departmentId) === 'round-robin' ? 'round-robin' : 'least-busy';
    const ranked = rankCandidates(
      (ctx.eligible ?? []).filter((candidate) => !members || members.has(candidate.id)),
      strategy,
    );
    const own = [
      ...ranked.filter((candidate) => !excluded.includes(candidate.id)),
      ...ranked.filter((candidate) => excluded.includes(candidate.id)),
    ];
    const fallback = departmentId ? ctx.departments.get(departmentId)?.fallbackDepartmentId : null;
    if (own.length > 0 || !fallback || depth >= MAX_FALLBACK_DEPTH) return own;
    return rankedNow(ctx, excluded, fallback, depth + 1);
  }

  return { loadSite, strategyOf, capacityOf, rankedEligible, rankedIn, eligibleIn, rankedNow };
}
export type Eligibility = ReturnType<typeof createEligibility>;
