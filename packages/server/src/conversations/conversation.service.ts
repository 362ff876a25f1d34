import {
  type Author,
  type ConversationSummary,
  type Inbox,
  MAX_PAGE_SIZE,
  type Message,
  type MessagePage,
  type PreChatAnswers,
  type RateConversationInput,
  type Rating,
  type Receipt,
  type SetReceiptInput,
  type Team,
  type VisitorConversation,
} from '@hovor/protocol';
import { visitorOwns } from '../access/conversation-access.js';
import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import { type AttachmentRepository, attachmentForMessage } from '../attachments/attachment.repository.js';
import { newId } from '../db/ids.js';
import { AppError } from '../errors.js';
import type { MessageRepository } from '../messages/message.repository.js';
import type { PageViewService } from '../pages/page-view.service.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { RatingService } from '../ratings/rating.service.js';
import type { ReceiptService } from '../receipts/receipt.service.js';
import type { LeaseRepository } from '../routing/lease.repository.js';
import type { RoutingService } from '../routing/routing.service.js';
import type { DepartmentRepository } from '../sites/department.repository.js';
import type { SiteRepository } from '../sites/site.repository.js';
import type { Visitor, VisitorRepository } from '../visitors/visitor.repository.js';
import {
  type Conversation,
  type ConversationRepository,
  MAX_COUNTED_QUEUE_POSITION,
} from './conversation.repository.js';
import type { ConversationCloser } from './conversation-closer.js';
import { createInFlight } from './in-flight.js';
import { leaveOfflineMessage, type OfflineMessageInput } from './offline-message.js';
import { checkPreChat } from './pre-chat.js';
import { SYSTEM_AUTHOR, serverMsgId, type Transcript } from './transcript.js';
import { toSummary, toVisitorConversation, toWireMessage } from './wire.js';

/** Messages returned per sync page. */
const SYNC_PAGE_SIZE = MAX_PAGE_SIZE;

export interface ConversationServiceDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  transcript: Transcript;
  routing: RoutingService;
  closer: ConversationCloser;
  departments: DepartmentRepository;
  sites: SiteRepository;
  attachments: AttachmentRepository;
  agents: AgentRepository;
  leases: LeaseRepository;
  visitors: VisitorRepository;
  receipts: ReceiptService;
  ratings: RatingService;
  pages: PageViewService;
  notifier: Notifier;
  clock: Clock;
}

export function createConversationService(deps: ConversationServiceDeps) {
  const { conversations, messages, transcript, clock } = deps;
  /** Sends in progress on this node: a resend joins the first attempt instead of repeating it. */
  const sending = createInFlight<Message>();

  async function page(
    conversationId: string,
    afterSeq: number,
    audience: 'agent' | 'visitor',
  ): Promise<MessagePage> {
    const result = await messages.listAfter(conversationId, afterSeq, SYNC_PAGE_SIZE, audience);
    return { messages: result.messages.map(toWireMessage), hasMore: result.hasMore };
  }

  async function appendText(
    conversation: Conversation,
    author: Author,
    input: { clientMsgId: string; text: string; attachmentId?: string },
  ): Promise<Message> {
    const attachment = await attachmentForMessage(
      deps.attachments,
      conversation.id,
      author,
      input.attachmentId,
    );
    const { message } = await transcript.append(
      conversation,
      {
        conversationId: conversation.id,
        kind: 'text',
        author,
        text: input.text,
        event: null,
        ...(attachment ? { attachment } : {}),
        clientMsgId: input.clientMsgId,
      },
      { isCacheLater: true },
    );
    return toWireMessage(message);
  }

  /** [P5][P11] One visitor message: to their open conversation only; a known clientMsgId answers the stored one. */
  async function sendAsVisitorOnce(
    visitor: Visitor,
    conversation: Conversation,
    input: { conversationId: string; clientMsgId: string; text: string; attachmentId?: string },
  ): Promise<Message> {
    const author = { type: 'visitor', id: visitor.id, name: visitor.name } as const;
    if (conversation.state === 'closed') {
      const known = await messages.findOwn(conversation.id, input.clientMsgId, { kind: 'text', author });
      if (known) return toWireMessage(known);
      throw new AppError('CONFLICT', 'The conversation has ended; start a new one');
    }
    return appendText(conversation, author, input);
  }

  /**
   * [RT13] The place a new chat takes in its queue: from what this node published and queued
   * since (no read); before the node's first publication of the site, counted up to a bound, past
   * it as last published.
   */
  async function entryPosition(siteId: string, departmentId: string | null): Promise<number> {
    const known = deps.routing.entryPlace(siteId, departmentId);
    if (known !== null) return known;
    const counted = await conversations.countQueued(siteId, departmentId);
    if (counted < MAX_COUNTED_QUEUE_POSITION) return counted + 1;
    return Math.max(counted, deps.routing.queueLength(siteId, departmentId)) + 1;
  }

  /** The visitor's open conversation (`openId`), or a new one in the department's queue (checked by the caller). */
  async function startFor(
    visitor: Visitor,
    departmentId: string | undefined,
    openId: string | null,
    consentAt: Date | null = null,
  ): Promise<Conversation> {
    const now = clock.now();
    const candidate: Conversation = {
      id: openId ?? newId(),
      siteId: visitor.siteId,
      visitorId: visitor.id,
      visitorName: visitor.name,
      departmentId: departmentId ?? null,
      state: 'queued',
      agentId: null,
      agentName: null,
      round: 1,
      priority: 0,
      excludedAgentIds: [],
      entryPosition: openId ? 1 : await entryPosition(visitor.siteId, departmentId ?? null),
      lastSeq: 0,
      lastMessageText: null,
      lastMessageAt: null,
      createdAt: now,
      queuedAt: now,
      assignedAt: null,
      closedAt: null,
      ...(consentAt ? { consentAt } : {}),
    };
    const winnerId = openId ?? (await conversations.claimOpen(visitor.siteId, visitor.id, candidate.id, now));
    if (winnerId === candidate.id && !openId) {
      // New and ours alone (a fresh id nobody else can write): its queued event is stored beside it.
      const [, queued] = await Promise.all([
        conversations.insertIfMissing(candidate),
        queuedEvent(candidate),
      ]);
      deps.routing.noteEntered(visitor.siteId, candidate.departmentId);
      if (queued.isNew) deps.notifier.conversationChanged(queued.conversation);
      return queued.conversation;
    }
    // The claim may point at a conversation whose insert never happened (a crash): heal it.
    const isInserted = await conversations.insertIfMissing({ ...candidate, id: winnerId });
    const conversation = isInserted
      ? { ...candidate, id: winnerId }
      : (await conversations.findById(winnerId))!;
    if (conversation.visitorId !== visitor.id) {
      // A claim left behind by a move to a signed-in user that stopped halfway [P19]: drop it.
      await conversations.releaseOpen(visitor.siteId, visitor.id, winnerId);
      return startFor(visitor, departmentId, null, consentAt);
    }
    if (conversation.state === 'queued') {
      const queued = await queuedEvent(conversation);
      if (queued.isNew) deps.notifier.conversationChanged(queued.conversation);
      return queued.conversation;
    }
    return conversation;
  }

  /**
   * Stores a queued conversation's "queued" event. Idempotent: a retried start finds the event
   * stored and announces nothing twice. The activity cache is written behind: with the
   * assignment's event, usually once.
   */
  function queuedEvent(conversation: Conversation) {
    return transcript.append(
      conversation,
      {
        conversationId: conversation.id,
        kind: 'event',
        author: SYSTEM_AUTHOR,
        text: '',
        event: { type: 'queued', agentId: null, agentName: null, reason: null },
        clientMsgId: serverMsgId('event-queued-1'),
      },
      { isCacheLater: true },
    );
  }

  return {
    /** [RT18] A message left through the offline form; see `leaveOfflineMessage`. */
    leaveMessage: (visitor: Visitor, input: OfflineMessageInput) => leaveOfflineMessage(deps, visitor, input),

    /** Starts the visitor's conversation with a department (or the general queue), or returns the open one. */
    async start(
      visitor: Visitor,
      departmentId?: string,
      about?: PreChatAnswers,
    ): Promise<VisitorConversation> {
      const openId = await conversations.findOpenId(visitor.siteId, visitor.id);
      let starter = visitor;
      let consentAt: Date | null = null;
      if (!openId) {
        const site = await deps.sites.findById(visitor.siteId);
        if (site?.preChat) {
          await checkPreChat(
            site.preChat,
            () => deps.departments.listBySite(visitor.siteId),
            departmentId,
            about,
          );
          // Only what the form asks is kept; the name is the conversation's from now on.
          const name = site.preChat.name !== 'off' ? about?.name?.trim() : undefined;
          const email = site.preChat.email !== 'off' ? about?.email : undefined;
          if (name || email) await deps.visitors.setAbout(visitor.id, { name, email });
          if (name) starter = { ...visitor, name };
          if (site.preChat.consent) consentAt = clock.now();
        }
        if (!(await deps.routing.acceptsChats(visitor.siteId, departmentId ?? null, site ?? undefined))) {
          throw new AppError('CONFLICT', 'The team is offline now; leave a message instead');
        }
      }
      const conversation = await startFor(starter, departmentId, openId, consentAt);
      if (conversation.state !== 'queued') return toVisitorConversation(conversation);
      const assigned = await deps.routing.assignmentOf(conversation.siteId, conversation.id);
      const current = assigned ?? (await conversations.findById(conversation.id))!;
      return toVisitorConversation(current);
    },

    /** [P8] The visitor's conversation (authorized by the caller [A1]), or their open one when null. */
    async syncForVisitor(visitor: Visitor, named: Conversation | null, afterSeq: number) {
      const openId = named ? null : await conversations.findOpenId(visitor.siteId, visitor.id);
      const open = openId ? await conversations.findById(openId) : null;
      // A claim can outlive its move to a signed-in user (a crash halfway): not this visitor's then.
      const conversation = named ?? (open && visitorOwns(visitor, open) ? open : null);
      if (!conversation)
        return { conversation: null, messages: [], hasMore: false, receipts: [], rating: null };
      const id = conversation.id;
      const [messagePage, receipts, rating] = await Promise.all([
        page(id, afterSeq, 'visitor'),
        deps.receipts.list(id),
        deps.ratings.ratingOf(id),
      ]);
      return { conversation: toVisitorConversation(conversation), ...messagePage, receipts, rating };
    },

    /** [P17] The visitor rates their conversation; see RatingService. */
    async rateAsVisitor(conversation: Conversation, input: RateConversationInput): Promise<Rating> {
      return deps.ratings.rate(conversation, input);
    },

    /** [P13] What the visitor's frame has received and shown. */
    async receiptAsVisitor(conversation: Conversation, input: SetReceiptInput): Promise<Receipt> {
      return deps.receipts.report(conversation, 'visitor', input);
    },

    /** [P13] Only the assigned agent's console speaks for the agent side: a watcher reads nothing for them. */
    async receiptAsAgent(conversation: Conversation, input: SetReceiptInput): Promise<Receipt> {
      return deps.receipts.report(conversation, 'agent', input);
    },

    sendAsVisitor(
      visitor: Visitor,
      conversation: Conversation,
      input: { conversationId: string; clientMsgId: string; text: string; attachmentId?: string },
    ): Promise<Message> {
      const key = `${visitor.id}:${input.conversationId}:${input.clientMsgId}`;
      return sending.share(key, () => sendAsVisitorOnce(visitor, conversation, input));
    },

    async typingAsVisitor(visitor: Visitor, conversation: Conversation, isTyping: boolean): Promise<null> {
      if (conversation.state !== 'closed')
        deps.notifier.typingChanged(conversation, 'visitor', isTyping, visitor.name);
      return null;
    },

    async list(agent: Agent, box: Inbox, limit: number, before?: string): Promise<ConversationSummary[]> {
      const beforeDate = before ? new Date(before) : undefined;
      if (beforeDate && Number.isNaN(beforeDate.getTime()))
        throw new AppError('BAD_REQUEST', 'before: not a date');
      const items = await conversations.listForAgent(agent.siteIds, box, agent.id, limit, beforeDate);
      return items.map(toSummary);
    },

    async openForAgent(conversation: Conversation, afterSeq: number) {
      const conversationId = conversation.id;
      const [messagePage, receipts, rating, pages, visitor] = await Promise.all([
        page(conversationId, afterSeq, 'agent'),
        deps.receipts.list(conversationId),
        deps.ratings.ratingOf(conversationId),
        deps.pages.ofConversation(conversation),
        deps.visitors.profile(conversation.visitorId),
      ]);
      return { conversation: toSummary(conversation), ...messagePage, receipts, rating, pages, visitor };
    },

    /** The assigned agent's reply (the caller checked the assignee [A1]). */
    sendAsAgent(
      agent: Agent,
      conversation: Conversation,
      input: { conversationId: string; clientMsgId: string; text: string; attachmentId?: string },
    ): Promise<Message> {
      return sending.share(`${agent.id}:${input.conversationId}:${input.clientMsgId}`, async () => {
        const author = { type: 'agent', id: agent.id, name: agent.name } as const;
        // The append answers a repeated clientMsgId itself; only a refusal looks for it first.
        if (conversation.state !== 'closed' && conversation.agentId === agent.id) {
          return appendText(conversation, author, input);
        }
        const known = await messages.findOwn(conversation.id, input.clientMsgId, { kind: 'text', author });
        if (known) return toWireMessage(known);
        if (conversation.state === 'closed') throw new AppError('CONFLICT', 'The conversation is closed');
        throw new AppError('FORBIDDEN', 'Only the assigned agent can reply to this conversation');
      });
    },

    /** [P12] An internal note, by an agent of the site in whatever state; idempotent by clientMsgId. */
    async addNote(
      agent: Agent,
      conversation: Conversation,
      input: { conversationId: string; clientMsgId: string; text: string },
    ): Promise<Message> {
      const { message } = await transcript.append(conversation, {
        conversationId: conversation.id,
        kind: 'note',
        author: { type: 'agent', id: agent.id, name: agent.name },
        text: input.text,
        event: null,
        clientMsgId: input.clientMsgId,
      });
      return toWireMessage(message);
    },

    /** Colleagues and departments of the conversation's site, for the transfer picker. */
    async team(agent: Agent, conversation: Conversation): Promise<Team> {
      const [agents, departments] = await Promise.all([
        deps.agents.listBySite(conversation.siteId),
        deps.departments.listBySite(conversation.siteId),
      ]);
      const connected = await deps.leases.connectedAgentIds(
        agents.map((a) => a.id),
        clock.now(),
      );
      return {
        agents: agents
          .filter((a) => a.id !== agent.id && a.isActive)
          .map((a) => ({ id: a.id, name: a.name, status: a.status, isConnected: connected.has(a.id) })),
        departments: departments.map((d) => ({ id: d.id, name: d.name })),
      };
    },

    async typingAsAgent(agent: Agent, conversation: Conversation, isTyping: boolean): Promise<null> {
      if (conversation.state !== 'closed')
        deps.notifier.typingChanged(conversation, 'agent', isTyping, agent.name);
      return null;
    },

    /** Closes the conversation (idempotent); its agent or a supervisor of the site, checked by the caller [P10]. */
    async close(agent: Agent, conversation: Conversation): Promise<ConversationSummary> {
      if (conversation.state === 'closed') return toSummary(conversation);
      const closed = await deps.closer.close(
        conversation,
        { type: 'agent', id: agent.id, name: agent.name },
        null,
      );
      return toSummary(closed);
    },
  };
}
export type ConversationService = ReturnType<typeof createConversationService>;
