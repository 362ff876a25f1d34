import type { AgentRole } from '@hovor/protocol';
import type { AuditLog } from '../audit/audit.repository.js';
import type { SessionRepository } from '../auth/session.repository.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { SessionSockets } from '../sockets/session-sockets.js';
import type { AgentRepository } from './agent.repository.js';

/**
 * Changes what an agent may reach — active or not, role, sites — and ends their console sockets on
 * every node, so nothing opened under the old access goes on receiving or commanding [P25]. Each
 * change is audit-logged with who made it. The admin screens call these.
 */
export function createAgentAccess(deps: {
  agents: AgentRepository;
  sessions: SessionRepository;
  sockets: SessionSockets;
  audit: AuditLog;
  clock: Clock;
}) {
  async function existing(agentId: string) {
    const agent = await deps.agents.findById(agentId);
    if (!agent) throw new AppError('NOT_FOUND', 'No such agent');
    return agent;
  }

  return {
    /** Deactivated: signed out everywhere, no new sign-in; reactivated: may sign in again. */
    async setActive(actorId: string, agentId: string, isActive: boolean): Promise<void> {
      await existing(agentId);
      await deps.agents.setActive(agentId, isActive, deps.clock.now());
      if (!isActive) {
        await deps.sessions.deleteOfAgent(agentId);
        deps.sockets.endAgent(agentId);
      }
      await deps.audit.record({
        action: isActive ? 'agent.reactivated' : 'agent.deactivated',
        actorId,
        targetId: agentId,
      });
    },

    async setRole(actorId: string, agentId: string, role: AgentRole): Promise<void> {
      const before = await existing(agentId);
      await deps.agents.setRole(agentId, role);
      deps.sockets.endAgent(agentId);
      await deps.audit.record({
        action: 'agent.role_changed',
        actorId,
        targetId: agentId,
        details: { from: before.role, to: role },
      });
    },

    async setSites(actorId: string, agentId: string, siteIds: string[]): Promise<void> {
      const before = await existing(agentId);
      await deps.agents.setSites(agentId, siteIds);
      deps.sockets.endAgent(agentId);
      await deps.audit.record({
        action: 'agent.sites_changed',
        actorId,
        targetId: agentId,
        details: { from: before.siteIds.join(','), to: siteIds.join(',') },
      });
    },
  };
}
export type AgentAccess = ReturnType<typeof createAgentAccess>;
