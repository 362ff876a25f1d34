import { VisitorCommands, VisitorHandshake } from '@hovor/protocol';
import { VISITOR_COMMAND_POLICIES } from '../access/policies.js';
import type { BlockService } from '../blocks/block.service.js';
import type { Conversation } from '../conversations/conversation.repository.js';
import type { ConversationService } from '../conversations/conversation.service.js';
import type { DbAvailability } from '../db/availability.js';
import { AppError } from '../errors.js';
import type { CommandAdmission } from '../limits/admission.js';
import type { RateLimits } from '../limits/rate-limiter.js';
import { VISITOR_COMMAND_LIMITS } from '../limits/rate-limits.js';
import type { Logger } from '../logger.js';
import type { PageViewService } from '../pages/page-view.service.js';
import type { RoutingService } from '../routing/routing.service.js';
import type { Visitor } from '../visitors/visitor.repository.js';
import type { VisitorService } from '../visitors/visitor.service.js';
import { admitHandshake, describeIssues, refuseWhileDatabaseDown, registerCommands } from './command.js';
import { rooms, type VisitorNamespace } from './notifier.js';
import { checkProtocolVersion } from './version.js';

/**
 * The visitor namespace. The handshake proves the visitor (token) and the page it is on
 * (`hostOrigin` must be one of the site's allowed origins; a browser's Origin header must be
 * Hovor's own, where the chat frame lives, or that same allowed origin).
 */
export function attachVisitorNamespace(
  nsp: VisitorNamespace,
  deps: {
    visitors: VisitorService;
    conversations: ConversationService;
    pages: PageViewService;
    /** [P26] Refuses blocked visitors. */
    blocks: BlockService;
    /** Tells the site's waiting visitors their places, in the background. */
    /** [RT13] Tells a waiting visitor their place again. */
    retellPosition: (siteId: string, conversationId: string, visitorId: string) => void;
    availability: RoutingService['availability'];
    publicOrigin: string;
    /** Reads a conversation for the command wrapper's policy check [A1]. */
    loadConversation: (id: string) => Promise<Conversation | null>;
    /** [A4] Each command spends its limit, counted per visitor (all their tabs together). */
    rateLimits: Pick<RateLimits, 'consume'>;
    /** [A4] The node's bound on commands in flight. */
    admission: CommandAdmission;
    /** [A4] The node's bound on handshakes in flight. */
    handshakes: Pick<CommandAdmission, 'run'>;
    db: DbAvailability;
    logger: Logger;
  },
): void {
  const log = deps.logger.child({ module: 'visitor-socket' });

  nsp.use((socket, next) => {
    admitHandshake(deps.handshakes, () => checkHandshake(socket), next, { db: deps.db, logger: log });
  });

  async function checkHandshake(socket: Parameters<Parameters<typeof nsp.use>[0]>[0]): Promise<void> {
    refuseWhileDatabaseDown(deps.db);
    const parsed = VisitorHandshake.safeParse(socket.handshake.auth);
    if (!parsed.success) throw new AppError('BAD_REQUEST', `Bad handshake: ${describeIssues(parsed.error)}`);
    const auth = parsed.data;
    checkProtocolVersion(auth.v);
    const site = await deps.visitors.siteForOrigin(auth.siteKey, auth.hostOrigin);
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && origin !== deps.publicOrigin && origin !== auth.hostOrigin) {
      throw new AppError('ORIGIN_NOT_ALLOWED', `Connections from ${origin} are not allowed`);
    }
    const visitor = await deps.visitors.authenticate(site, auth.token, auth.identity);
    await deps.blocks.refuseIfBlocked(visitor);
    socket.data.visitor = visitor;
  }

  nsp.on('connection', (socket) => {
    const visitor = socket.data.visitor as Visitor;
    void socket.join(rooms.visitor(visitor.id));
    const service = deps.conversations;
    const who = { type: 'visitor', visitor } as const;
    /**
     * [P26] A socket that connected before its visitor was blocked (the block's disconnect missed
     * it) is refused, then ended once the answer is out: its next handshake says why.
     */
    const unlessBlocked = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        await deps.blocks.refuseIfBlocked(visitor);
      } catch (error) {
        if (error instanceof AppError && error.isChatUnavailable) setImmediate(() => socket.disconnect(true));
        throw error;
      }
      return work();
    };
    registerCommands(
      socket,
      VisitorCommands,
      {
        'conversation:start': (input) =>
          unlessBlocked(() => service.start(visitor, input.departmentId, input.about)),
        'conversation:sync': async (input, { conversation }) => {
          const result = await service.syncForVisitor(visitor, conversation, input.afterSeq);
          // A waiting visitor who (re)connects learns their place at once [RT13].
          if (result.conversation?.state === 'queued')
            deps.retellPosition(visitor.siteId, result.conversation.id, visitor.id);
          return result;
        },
        'message:send': (input, { conversation }) => service.sendAsVisitor(visitor, conversation!, input),
        'typing:set': (input, { conversation }) =>
          service.typingAsVisitor(visitor, conversation!, input.isTyping),
        'receipt:set': (input, { conversation }) => service.receiptAsVisitor(conversation!, input),
        'availability:get': (input) =>
          deps.availability(visitor.siteId, input.departmentId ?? null, input.locale),
        'offline:leave': (input) => unlessBlocked(() => service.leaveMessage(visitor, input)),
        'conversation:rate': (input, { conversation }) => service.rateAsVisitor(conversation!, input),
        'page:view': (input) => deps.pages.record(visitor, input),
        'visitor:attributes': (input) => deps.visitors.setAttributes(visitor, input.attributes),
      },
      {
        policies: VISITOR_COMMAND_POLICIES,
        limits: VISITOR_COMMAND_LIMITS,
        limitKey: visitor.id,
        admission: deps.admission,
        rateLimits: deps.rateLimits,
        who: async () => who,
        loadConversation: deps.loadConversation,
        logger: log,
        db: deps.db,
      },
    );
  });
}
