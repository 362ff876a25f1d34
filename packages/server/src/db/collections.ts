import type { Collection, Db, Document } from 'mongodb';
import type {
  ActionClaimDoc,
  AgentActivityDoc,
  AgentDoc,
  AgentLeaseDoc,
  AgentRoutingDoc,
  AgentSlotDoc,
  AssignmentClaimDoc,
  AttachmentDoc,
  AttachmentUsageDoc,
  AuditDoc,
  ConversationActivityDoc,
  ConversationDoc,
  DepartmentDoc,
  MessageDoc,
  OpenConversationDoc,
  PageViewDoc,
  QueueStatsDoc,
  RatingDoc,
  ReceiptDoc,
  RequestClaimDoc,
  SessionDoc,
  SiteDoc,
  TimerDoc,
  VisitorAttributesDoc,
  VisitorBlockDoc,
  VisitorDoc,
  VisitorIdentityDoc,
} from './documents.js';

// The document types live in documents.ts; repositories import them from here with the collections.
export * from './documents.js';

/**
 * Documents the first batch of any read may hold. Every read Hovor makes is bounded far below
 * this, so each answer comes whole in its first batch and the database closes the cursor at once.
 * An open cursor costs the embedded database a connection until the client asks for more, and
 * under a burst the client may have no free connection left to ask with (ADR 0017).
 */
export const FIRST_BATCH_MAX_DOCS = 10_000;

/** The collection, with every `find` answered in one batch (see FIRST_BATCH_MAX_DOCS). */
function inOneBatch<T extends Document>(collection: Collection<T>): Collection<T> {
  const find = collection.find.bind(collection) as (filter: unknown, options?: object) => unknown;
  Object.defineProperty(collection, 'find', {
    value: (filter: unknown = {}, options: object = {}) =>
      find(filter, { batchSize: FIRST_BATCH_MAX_DOCS, ...options }),
  });
  return collection;
}

export function collections(db: Db) {
  const collection = <T extends Document>(name: string) => inOneBatch(db.collection<T>(name));
  return {
    sites: collection<SiteDoc>('sites'),
    departments: collection<DepartmentDoc>('departments'),
    agents: collection<AgentDoc>('agents'),
    sessions: collection<SessionDoc>('sessions'),
    auditLog: collection<AuditDoc>('audit_log'),
    visitors: collection<VisitorDoc>('visitors'),
    conversations: collection<ConversationDoc>('conversations'),
    conversationActivity: collection<ConversationActivityDoc>('conversation_activity'),
    agentRouting: collection<AgentRoutingDoc>('agent_routing'),
    agentActivity: collection<AgentActivityDoc>('agent_activity'),
    messages: collection<MessageDoc>('messages'),
    receipts: collection<ReceiptDoc>('receipts'),
    ratings: collection<RatingDoc>('ratings'),
    pageViews: collection<PageViewDoc>('page_views'),
    attachments: collection<AttachmentDoc>('attachments'),
    attachmentUsage: collection<AttachmentUsageDoc>('attachment_usage'),
    visitorIdentities: collection<VisitorIdentityDoc>('visitor_identities'),
    visitorAttributes: collection<VisitorAttributesDoc>('visitor_attributes'),
    openConversations: collection<OpenConversationDoc>('open_conversations'),
    visitorBlocks: collection<VisitorBlockDoc>('visitor_blocks'),
    assignmentClaims: collection<AssignmentClaimDoc>('assignment_claims'),
    agentSlots: collection<AgentSlotDoc>('agent_slots'),
    agentLeases: collection<AgentLeaseDoc>('agent_leases'),
    timers: collection<TimerDoc>('timers'),
    actionClaims: collection<ActionClaimDoc>('action_claims'),
    requestClaims: collection<RequestClaimDoc>('request_claims'),
    queueStats: collection<QueueStatsDoc>('queue_stats'),
  };
}
export type Collections = ReturnType<typeof collections>;
