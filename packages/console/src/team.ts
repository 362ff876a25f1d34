import type { Team, TransferInput, TransferTarget } from '@hovor/protocol';

/** One choice of the transfer dialog: a colleague or a department. */
export interface TransferOption {
  /** Unique among the options, e.g. `agent:<id>`; the radio's value. */
  key: string;
  label: string;
  /** Why a colleague cannot take it now (e.g. "offline"); null when they can. */
  unavailableReason: string | null;
  target: TransferTarget;
}

/**
 * The colleagues (first) and departments of the transfer dialog. Only a colleague who is online
 * and connected can take a chat [RT1]; the others are listed, marked and not selectable.
 */
export function transferOptions(team: Team): { agents: TransferOption[]; departments: TransferOption[] } {
  return {
    agents: team.agents.map((agent) => ({
      key: `agent:${agent.id}`,
      label: agent.name,
      unavailableReason: agent.status !== 'online' ? agent.status : agent.isConnected ? null : 'disconnected',
      target: { type: 'agent', agentId: agent.id },
    })),
    departments: team.departments.map((department) => ({
      key: `department:${department.id}`,
      label: department.name,
      unavailableReason: null,
      target: { type: 'department', departmentId: department.id },
    })),
  };
}

/** The `conversation:transfer` input; a blank comment is left out rather than stored empty. */
export function transferInput(conversationId: string, to: TransferTarget, comment: string): TransferInput {
  const trimmed = comment.trim();
  return trimmed ? { conversationId, to, comment: trimmed } : { conversationId, to };
}
