import type { Collections } from './collections.js';

/** Creates every index Hovor relies on; idempotent, run at start-up. */
export async function ensureIndexes(c: Collections): Promise<void> {
  await Promise.all([
    c.sites.createIndex({ key: 1 }, { unique: true, name: 'key_unique' }),
    c.agents.createIndex({ email: 1 }, { unique: true, name: 'email_unique' }),
    c.agents.createIndex({ siteIds: 1 }, { name: 'siteIds' }),
    c.departments.createIndex({ siteId: 1 }, { name: 'siteId' }),
    c.sessions.createIndex({ agentId: 1 }, { name: 'agentId' }),
    c.sessions.createIndex({ expiresAt: 1 }, { name: 'expiresAt' }),
    c.auditLog.createIndex({ at: -1 }, { name: 'at' }),
    c.auditLog.createIndex({ siteId: 1, at: -1 }, { name: 'siteId_at' }),
    c.visitors.createIndex({ tokenHash: 1 }, { unique: true, name: 'tokenHash_unique' }),
    c.conversations.createIndex({ siteId: 1, state: 1 }, { name: 'siteId_state' }),
    // The queue and offline boxes, read sorted and limited [A4].
    c.conversations.createIndex(
      { siteId: 1, state: 1, priority: -1, queuedAt: 1, _id: 1 },
      { name: 'siteId_state_queue_order' },
    ),
    c.conversations.createIndex({ siteId: 1, state: 1, createdAt: 1 }, { name: 'siteId_state_createdAt' }),
    c.conversations.createIndex({ visitorId: 1 }, { name: 'visitorId' }),
    c.conversations.createIndex({ agentId: 1, state: 1 }, { name: 'agentId_state' }),
    c.conversations.createIndex({ state: 1 }, { name: 'state' }),
    c.actionClaims.createIndex({ conversationId: 1 }, { name: 'conversationId' }),
    c.messages.createIndex({ conversationId: 1, seq: 1 }, { unique: true, name: 'conversation_seq_unique' }),
    c.messages.createIndex(
      { conversationId: 1, clientMsgId: 1 },
      { unique: true, name: 'conversation_clientMsgId_unique' },
    ),
    c.receipts.createIndex({ conversationId: 1 }, { name: 'conversationId' }),
    c.ratings.createIndex({ siteId: 1, ratedAt: -1 }, { name: 'siteId_ratedAt' }),
    c.ratings.createIndex({ agentId: 1, ratedAt: -1 }, { name: 'agentId_ratedAt' }),
    c.pageViews.createIndex({ visitorId: 1, viewedAt: -1 }, { name: 'visitorId_viewedAt' }),
    c.attachmentUsage.createIndex({ conversationId: 1 }, { name: 'conversationId' }),
    c.attachmentUsage.createIndex({ visitorId: 1 }, { name: 'visitorId' }),
    c.assignmentClaims.createIndex({ conversationId: 1 }, { name: 'conversationId' }),
    c.visitorBlocks.createIndex({ siteId: 1, at: -1 }, { name: 'siteId_at' }),
    c.agentSlots.createIndex({ agentId: 1 }, { name: 'agentId' }),
    c.agentSlots.createIndex({ conversationId: 1 }, { name: 'conversationId' }),
    c.agentLeases.createIndex({ agentId: 1 }, { name: 'agentId' }),
    c.agentLeases.createIndex({ nodeId: 1 }, { name: 'nodeId' }),
    c.agentLeases.createIndex({ expirySlot: 1 }, { name: 'expirySlot' }),
    c.timers.createIndex({ dueSlot: 1 }, { name: 'dueSlot' }),
    c.timers.createIndex({ dueAt: 1 }, { name: 'dueAt' }),
  ]);
}
