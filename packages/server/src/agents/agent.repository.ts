import type { AgentProfile, AgentRole, AgentStatus } from '@hovor/protocol';
import type { AgentDoc, Collections } from '../db/collections.js';
import { newId } from '../db/ids.js';
import { upsertOne } from '../db/upsert.js';

export type Agent = {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  siteIds: string[];
  departmentIds: string[];
  status: AgentStatus;
  capacity: number | null;
  /** False once deactivated: no sign-in, no session, no socket. */
  isActive: boolean;
};

function toAgent(doc: AgentDoc): Agent {
  return {
    id: doc._id,
    email: doc.email,
    name: doc.name,
    role: doc.role,
    siteIds: doc.siteIds,
    departmentIds: doc.departmentIds ?? [],
    status: doc.status,
    capacity: doc.capacity,
    isActive: !doc.deactivatedAt,
  };
}

export function toAgentProfile(agent: Agent, defaultCapacity: number): AgentProfile {
  return {
    id: agent.id,
    name: agent.name,
    email: agent.email,
    role: agent.role,
    status: agent.status,
    capacity: agent.capacity ?? defaultCapacity,
  };
}

export function createAgentRepository(c: Collections) {
  return {
    async create(
      input: {
        departmentIds?: string[];
        email: string;
        name: string;
        passwordHash: string;
        role: AgentRole;
        siteIds: string[];
        capacity?: number;
      },
      now: Date,
    ): Promise<Agent> {
      const doc: AgentDoc = {
        _id: newId(),
        email: input.email.toLowerCase(),
        name: input.name,
        passwordHash: input.passwordHash,
        role: input.role,
        siteIds: input.siteIds,
        departmentIds: input.departmentIds ?? [],
        status: 'offline',
        capacity: input.capacity ?? null,
        createdAt: now,
      };
      await c.agents.insertOne(doc);
      return toAgent(doc);
    },
    async findById(id: string): Promise<Agent | null> {
      const doc = await c.agents.findOne({ _id: id });
      return doc ? toAgent(doc) : null;
    },
    /** The agent and its password hash, for sign-in only. */
    async findCredentials(email: string): Promise<{ agent: Agent; passwordHash: string } | null> {
      const doc = await c.agents.findOne({ email: email.toLowerCase() });
      return doc ? { agent: toAgent(doc), passwordHash: doc.passwordHash } : null;
    },
    async listBySite(siteId: string): Promise<Agent[]> {
      const docs = await c.agents.find({ siteIds: siteId }).toArray();
      return docs.map(toAgent);
    },
    /** Whether the agent may sign in; a deactivated agent also goes offline. */
    async setActive(id: string, isActive: boolean, now: Date): Promise<void> {
      await c.agents.updateOne(
        { _id: id },
        { $set: isActive ? { deactivatedAt: null } : { deactivatedAt: now, status: 'offline' } },
      );
    },
    async setRole(id: string, role: AgentRole): Promise<void> {
      await c.agents.updateOne({ _id: id }, { $set: { role } });
    },
    async setSites(id: string, siteIds: string[]): Promise<void> {
      await c.agents.updateOne({ _id: id }, { $set: { siteIds } });
    },
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await c.agents.updateOne({ _id: id }, { $set: { passwordHash } });
    },
    async setStatus(id: string, status: AgentStatus): Promise<void> {
      await c.agents.updateOne({ _id: id }, { $set: { status } });
    },
    async setLastAssignedAt(id: string, at: Date): Promise<void> {
      await upsertOne(c.agentRouting, { _id: id }, { $set: { lastAssignedAt: at } });
    },
    /** When each agent last got a chat (missing: never). */
    async lastAssignedAt(ids: string[]): Promise<Map<string, Date>> {
      if (ids.length === 0) return new Map();
      const docs = await c.agentRouting.find({ _id: { $in: ids } }).toArray();
      return new Map(docs.map((doc) => [doc._id, doc.lastAssignedAt]));
    },
    async noteActivity(id: string, at: Date): Promise<void> {
      await upsertOne(c.agentActivity, { _id: id }, { $max: { lastActivityAt: at } });
    },
    /** Online agents of a site and when each last used the console (missing: never recorded). */
    async onlineWithActivity(siteId: string): Promise<Array<{ agent: Agent; lastActivityAt: Date | null }>> {
      const online = (await c.agents.find({ siteIds: siteId, status: 'online' }).toArray()).map(toAgent);
      if (online.length === 0) return [];
      const activity = await c.agentActivity.find({ _id: { $in: online.map((a) => a.id) } }).toArray();
      const byId = new Map(activity.map((doc) => [doc._id, doc.lastActivityAt]));
      return online.map((agent) => ({ agent, lastActivityAt: byId.get(agent.id) ?? null }));
    },
    async count(): Promise<number> {
      return c.agents.countDocuments({});
    },
  };
}
export type AgentRepository = ReturnType<typeof createAgentRepository>;
