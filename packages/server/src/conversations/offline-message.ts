import type { VisitorConversation } from '@hovor/protocol';
import { newId } from '../db/ids.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { DepartmentRepository } from '../sites/department.repository.js';
import type { Visitor, VisitorRepository } from '../visitors/visitor.repository.js';
import type { ConversationRepository } from './conversation.repository.js';
import { SYSTEM_AUTHOR, serverMsgId, type Transcript } from './transcript.js';
import { toVisitorConversation } from './wire.js';

export interface OfflineMessageInput {
  requestId: string;
  name: string;
  email: string;
  text: string;
  departmentId?: string;
}

/**
 * [RT18] A message left through the offline form: a conversation in state `offline` with the
 * visitor's text, listed for agents under "Offline messages". Idempotent by requestId: the claim
 * names the conversation, and its insert and both transcript entries happen at most once.
 */
export async function leaveOfflineMessage(
  deps: {
    conversations: ConversationRepository;
    departments: DepartmentRepository;
    visitors: VisitorRepository;
    transcript: Transcript;
    notifier: Notifier;
    clock: Clock;
  },
  visitor: Visitor,
  input: OfflineMessageInput,
): Promise<VisitorConversation> {
  const { conversations, transcript } = deps;
  if (input.departmentId) {
    const department = await deps.departments.findById(input.departmentId);
    if (department?.siteId !== visitor.siteId)
      throw new AppError('NOT_FOUND', 'No such department on this site');
  }
  const now = deps.clock.now();
  const id = await conversations.claimRequest(visitor.id, input.requestId, newId(), now);
  const name = input.name.trim();
  await deps.visitors.setContact(visitor.id, name, input.email);
  await conversations.insertIfMissing({
    id,
    siteId: visitor.siteId,
    visitorId: visitor.id,
    visitorName: name,
    departmentId: input.departmentId ?? null,
    state: 'offline',
    agentId: null,
    agentName: null,
    round: 1,
    priority: 0,
    excludedAgentIds: [],
    entryPosition: 1,
    lastSeq: 0,
    lastMessageText: null,
    lastMessageAt: null,
    createdAt: now,
    queuedAt: null,
    assignedAt: null,
    closedAt: null,
  });
  let conversation = (await conversations.findById(id))!;
  ({ conversation } = await transcript.append(conversation, {
    conversationId: id,
    kind: 'event',
    author: SYSTEM_AUTHOR,
    text: '',
    event: { type: 'offline', agentId: null, agentName: null, reason: null },
    clientMsgId: serverMsgId('event-offline'),
  }));
  ({ conversation } = await transcript.append(conversation, {
    conversationId: id,
    kind: 'text',
    author: { type: 'visitor', id: visitor.id, name },
    text: input.text,
    event: null,
    clientMsgId: serverMsgId(`offline-${input.requestId}`),
  }));
  deps.notifier.conversationChanged(conversation);
  return toVisitorConversation(conversation);
}
