import { type AgentNamespace, rooms } from './notifier.js';

/**
 * Ends console sockets when what let them in ends: a session signed out or expired, an agent
 * deactivated or given other sites or another role. `disconnectSockets` goes through the Socket.IO
 * adapter, so with Redis the sockets on every node end, not only this node's.
 */
export function createSessionSockets(nsp: AgentNamespace) {
  return {
    /** Every socket opened with this session. */
    endSession(sessionId: string): void {
      nsp.in(rooms.session(sessionId)).disconnectSockets(true);
    },
    /** Every socket of the agent, but those of `keepSessionId` when given. */
    endAgent(agentId: string, keepSessionId?: string): void {
      const target = nsp.in(rooms.agent(agentId));
      (keepSessionId ? target.except(rooms.session(keepSessionId)) : target).disconnectSockets(true);
    },
  };
}
export type SessionSockets = ReturnType<typeof createSessionSockets>;
