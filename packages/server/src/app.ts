import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { AGENT_NAMESPACE, MAX_JSON_BODY_BYTES, VISITOR_NAMESPACE } from '@hovor/protocol';
import express from 'express';
import type { Db } from 'mongodb';
import { type Namespace, Server } from 'socket.io';
import { authorizeConversation } from './access/conversation-access.js';
import { ROUTE_POLICIES } from './access/policies.js';
import { createAgentRepository } from './agents/agent.repository.js';
import { type AgentAccess, createAgentAccess } from './agents/agent-access.js';
import { createAttachmentRepository } from './attachments/attachment.repository.js';
import { attachmentRoutes } from './attachments/attachment.routes.js';
import { createAttachmentService } from './attachments/attachment.service.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './attachments/upload-limits.js';
import { createUploadSlots } from './attachments/upload-slots.js';
import { type AuditLog, createAuditLog } from './audit/audit.repository.js';
import { authRoutes } from './auth/auth.routes.js';
import { createAuthService } from './auth/auth.service.js';
import { createSessionRepository } from './auth/session.repository.js';
import { createSessionCookie } from './auth/session-cookie.js';
import { createBackgroundWork } from './background-work.js';
import { createBlockRepository } from './blocks/block.repository.js';
import { createBlockService } from './blocks/block.service.js';
import { createClusterBus, singleNodeBus } from './cluster/cluster-bus.js';
import type { AppConfig } from './config.js';
import { createConversationRepository } from './conversations/conversation.repository.js';
import { createConversationService } from './conversations/conversation.service.js';
import { createConversationCloser } from './conversations/conversation-closer.js';
import { createTranscript } from './conversations/transcript.js';
import { createDbAvailability } from './db/availability.js';
import { collections } from './db/collections.js';
import { createDbHealth } from './db/health.js';
import { ensureIndexes } from './db/indexes.js';
import { AppError } from './errors.js';
import { listRoutes } from './http/guard.js';
import { healthRoutes } from './http/health.routes.js';
import { errorMiddleware } from './http/respond.js';
import { securityHeaders } from './http/security-headers.js';
import { type StaticPaths, staticRoutes } from './http/static.routes.js';
import { createAdmission, MAX_HANDSHAKES_IN_FLIGHT } from './limits/admission.js';
import { clientIp, compileTrust } from './limits/client-ip.js';
import { createRateLimits, type RateLimitOptions } from './limits/rate-limiter.js';
import type { Logger } from './logger.js';
import { createMessageRepository } from './messages/message.repository.js';
import { createPageViewRepository } from './pages/page-view.repository.js';
import { createPageViewService } from './pages/page-view.service.js';
import { type Clock, systemClock } from './ports/clock.js';
import { createRatingRepository } from './ratings/rating.repository.js';
import { createRatingService } from './ratings/rating.service.js';
import { createReceiptRepository } from './receipts/receipt.repository.js';
import { createReceiptService } from './receipts/receipt.service.js';
import { createActionClaimRepository } from './routing/action-claims.repository.js';
import { createAssignmentClaimRepository } from './routing/assignment-claims.repository.js';
import { createAvailabilityCache } from './routing/availability-cache.js';
import { createCapacityRepository } from './routing/capacity.repository.js';
import { createLeaseRepository } from './routing/lease.repository.js';
import { createQueueStatsRepository } from './routing/queue-stats.repository.js';
import { createRoutingService } from './routing/routing.service.js';
import { createSweeper, DEFAULT_PRESENCE_LEASE_MS } from './routing/sweeper.js';
import { createTimerRepository } from './routing/timer.repository.js';
import { createDepartmentRepository } from './sites/department.repository.js';
import { createSiteRepository } from './sites/site.repository.js';
import { attachAgentNamespace } from './sockets/agent.handlers.js';
import { createBlockSockets } from './sockets/block-sockets.js';
import { handshakeError } from './sockets/command.js';
import { guardedParser } from './sockets/frame-guard.js';
import { type AgentNamespace, createSocketNotifier, type VisitorNamespace } from './sockets/notifier.js';
import type { SocketAdapterFactory } from './sockets/redis-adapter.js';
import { createSessionSockets } from './sockets/session-sockets.js';
import { attachVisitorNamespace } from './sockets/visitor.handlers.js';
import { createVisitorRepository } from './visitors/visitor.repository.js';
import { visitorRoutes } from './visitors/visitor.routes.js';
import { createVisitorService, DEFAULT_VISITOR_TOKEN_TTL_MS } from './visitors/visitor.service.js';

/** Largest Socket.IO frame; bigger ones close the connection before any parsing. */
const MAX_SOCKET_FRAME_BYTES = 256 * 1024;
/** How often the sweeper renews leases and routes queued conversations. */
const DEFAULT_SWEEP_INTERVAL_MS = 1_000;
const READY_PING_TIMEOUT_MS = 2_000;
/** How long a site's availability answers the launchers' questions on this node [P22]. */
const DEFAULT_AVAILABILITY_CACHE_MS = 3_000;
/** How long closing waits for the activity cache still to be written (the database may be gone). */
const ACTIVITY_FLUSH_TIMEOUT_MS = 2_000;

export interface AppDeps {
  db: Db;
  config: AppConfig;
  logger: Logger;
  paths: StaticPaths;
  clock?: Clock;
  /** Identifies this node in leases; random by default. */
  nodeId?: string;
  /** 0 disables the sweeper (tests that drive every step themselves). */
  sweepIntervalMs?: number;
  /** Lifetime of an agent connection's lease without renewal [RT7]; 30 s by default. */
  presenceLeaseMs?: number;
  /** Fans Socket.IO events out to the other nodes (the Redis adapter); in-memory when absent. */
  socketAdapter?: SocketAdapterFactory;
  /** How long this node keeps a site's availability for the launchers' questions [P22]; 3 s by default, 0 keeps none. */
  availabilityCacheMs?: number;
  /** Upload caps, quotas and deadline [P21]; the defaults of `upload-limits.ts` where absent. */
  uploadLimits?: Partial<UploadLimits>;
  /** [A4] Rate limits: the numbers of `limits/rate-limits.ts` in this node's memory by default; Redis shares them. */
  rateLimits?: RateLimitOptions;
  /** [A4] Commands the node works on at once; past it, UNAVAILABLE with a retry-after at once. */
  maxCommandsInFlight?: number;
}

export interface HovorApp {
  httpServer: HttpServer;
  io: Server;
  /** Creates indexes and starts the sweeper; call before listening. */
  start(): Promise<void>;
  /** Stops accepting, closes sockets and the sweeper, ends this node's leases. */
  close(): Promise<void>;
  /** One sweep now (leases, timeouts, queues); tests drive time with it. */
  sweep(): Promise<void>;
  /** Uploads this node is admitting or reading now [P21]. */
  uploadsInFlight(): number;
  /** Deletes expired agent sessions now [P25]; runs every SESSION_SWEEP_INTERVAL_MS by itself. */
  sweepSessions(): Promise<number>;
  /** Who may reach what: deactivation, roles, sites (the admin screens' way in) [P25]. */
  agentAccess: AgentAccess;
  audit: AuditLog;
  /** Every HTTP route served, as `METHOD path` (the policy registry's keys) [A1]. */
  routes(): string[];
  repositories: {
    sites: ReturnType<typeof createSiteRepository>;
    agents: ReturnType<typeof createAgentRepository>;
    departments: ReturnType<typeof createDepartmentRepository>;
  };
}

/**
 * Builds Hovor from its dependencies without listening, so tests run it on port 0.
 *
 * @example
 * const hovor = createApp({ db, config, logger, paths });
 * await hovor.start();
 * hovor.httpServer.listen(3000);
 */
export function createApp(deps: AppDeps): HovorApp {
  const clock = deps.clock ?? systemClock;
  const nodeId = deps.nodeId ?? randomUUID();
  const presenceLeaseMs = deps.presenceLeaseMs ?? DEFAULT_PRESENCE_LEASE_MS;
  const logger = deps.logger.child({ nodeId });
  const publicOrigin = deps.config.publicUrl;
  /** Decides the session cookie's name and whether HSTS is sent. */
  const isHttps = new URL(publicOrigin).protocol === 'https:';
  const sessionCookie = createSessionCookie({ isSecure: isHttps });
  const c = collections(deps.db);
  const rateLimits = createRateLimits({ ...deps.rateLimits, logger, clock });
  const admission = createAdmission(deps.maxCommandsInFlight);
  const handshakes = createAdmission(MAX_HANDSHAKES_IN_FLIGHT);
  /** [A4] Whose X-Forwarded-For is believed (TRUST_PROXY), for REST and handshakes alike. */
  const trust = compileTrust(deps.config.trustProxy ?? false);

  const sites = createSiteRepository(c);
  const agents = createAgentRepository(c);
  const sessions = createSessionRepository(c);
  const visitorRepository = createVisitorRepository(c);
  const conversationRepository = createConversationRepository(c, {
    onActivityError: (error) =>
      logger.warn({ err: error, module: 'conversations' }, 'writing the activity cache failed; retrying'),
    onChanged: (id) => bus.conversationChanged(id),
  });
  const messages = createMessageRepository(c, { isOnlyWriter: !deps.socketAdapter });
  const capacity = createCapacityRepository(c);
  const leases = createLeaseRepository(c);

  const app = express();
  // Express goes in first: Socket.IO then hands it only the requests outside its own path, and
  // Express's catch-all 404 never answers a polling request Socket.IO is answering too.
  const httpServer = createServer(app);
  // WebSocket only: no HTTP long-polling, so any load balancer works without sticky sessions, and
  // no polling request reaches a handler that Express answers too (README, "Deployment").
  const io = new Server(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES,
    serveClient: false,
    transports: ['websocket'],
    parser: guardedParser,
  });
  if (deps.socketAdapter) io.adapter(deps.socketAdapter);
  // The namespaces' event maps come from the protocol (the server itself is untyped: two maps).
  const visitorNsp = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace;
  const agentNsp = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;
  const bus = deps.socketAdapter ? createClusterBus(agentNsp as unknown as Namespace) : singleNodeBus;
  bus.onConversationChanged((id) => conversationRepository.forget(id));
  const notifier = createSocketNotifier(visitorNsp, agentNsp);

  const transcript = createTranscript({ messages, conversations: conversationRepository, notifier, clock });
  const actions = createActionClaimRepository(c, nodeId);
  const departments = createDepartmentRepository(c);
  const timers = createTimerRepository(c);
  const routing = createRoutingService({
    conversations: conversationRepository,
    agents,
    sites,
    departments,
    capacity,
    assignmentClaims: createAssignmentClaimRepository(c),
    leases,
    actions,
    queueStats: createQueueStatsRepository(c),
    timers,
    transcript,
    notifier,
    clock,
    logger,
    defaultCapacity: deps.config.defaultCapacity,
  });
  const closer = createConversationCloser({
    conversations: conversationRepository,
    capacity,
    transcript,
    routing,
    notifier,
    clock,
  });
  const attachmentRepository = createAttachmentRepository(c);
  const pages = createPageViewService({
    pageViews: createPageViewRepository(c),
    keepsFullUrls: async (siteId) => (await sites.findById(siteId))?.keepsFullPageUrls ?? false,
    openConversation: async (visitor) => {
      const id = await conversationRepository.findOpenId(visitor.siteId, visitor.id);
      return id ? conversationRepository.findById(id) : null;
    },
    notifier,
    clock,
  });
  const conversations = createConversationService({
    conversations: conversationRepository,
    messages,
    transcript,
    routing,
    closer,
    departments,
    agents,
    leases,
    visitors: visitorRepository,
    receipts: createReceiptService({
      receipts: createReceiptRepository(c),
      conversations: conversationRepository,
      notifier,
      clock,
    }),
    ratings: createRatingService({ ratings: createRatingRepository(c), notifier, clock }),
    pages,
    sites,
    attachments: attachmentRepository,
    notifier,
    clock,
  });
  const audit = createAuditLog(c, clock);
  const blocks = createBlockService({
    blocks: createBlockRepository(c),
    conversations: conversationRepository,
    closer,
    visitors: visitorRepository,
    audit,
    announce: createBlockSockets(visitorNsp, agentNsp),
    clock,
  });
  const loadConversation = (id: string) => conversationRepository.findForCommand(id);
  const sessionSockets = createSessionSockets(agentNsp);
  const auth = createAuthService({
    agents,
    sessions,
    sockets: sessionSockets,
    audit,
    clock,
    sessionTtlMs: deps.config.sessionTtlMs,
    hashing: rateLimits.hashing,
  });
  const agentAccess = createAgentAccess({ agents, sessions, sockets: sessionSockets, audit, clock });
  const visitorTokenTtlMs = deps.config.visitorTokenTtlMs ?? DEFAULT_VISITOR_TOKEN_TTL_MS;
  const visitors = createVisitorService({
    visitors: visitorRepository,
    sites,
    clock,
    tokenTtlMs: visitorTokenTtlMs,
    async moveOpenConversation(from, to) {
      const moved = await conversationRepository.moveOpen(
        from.siteId,
        from.id,
        { visitorId: to.id, name: to.name },
        clock.now(),
      );
      const conversation = moved && (await conversationRepository.findById(moved));
      if (conversation) await pages.moveVisit(conversation, from.id);
    },
  });
  const uploadLimits = { ...DEFAULT_UPLOAD_LIMITS, ...deps.uploadLimits };
  const uploadSlots = createUploadSlots(uploadLimits);
  const health = createDbHealth(deps.db, READY_PING_TIMEOUT_MS);
  const dbAvailability = createDbAvailability({ ping: () => health.isReachable(), logger });

  io.of('/').use((_socket, next) =>
    next(handshakeError(new AppError('NOT_FOUND', 'Use the /visitor or /agent namespace'))),
  );
  // [A4] Before each namespace's own checks: a refused handshake costs no database read.
  for (const nsp of [visitorNsp, agentNsp] as const) {
    nsp.use((socket, next) => {
      rateLimits.consume('ipHandshakes', clientIp(socket.request, trust)).then(
        () => next(),
        (error: unknown) => next(handshakeError(error)),
      );
    });
  }
  attachVisitorNamespace(visitorNsp, {
    visitors,
    conversations,
    pages,
    blocks,
    retellPosition: routing.retellPosition,
    availability: (siteId, departmentId, locale) => routing.availability(siteId, departmentId, locale),
    publicOrigin,
    loadConversation,
    rateLimits,
    admission,
    handshakes,
    db: dbAvailability,
    logger,
  });
  const agentSockets = attachAgentNamespace(agentNsp, {
    auth,
    sessionCookie,
    agents,
    leases,
    conversations,
    routing,
    blocks,
    notifier,
    clock,
    nodeId,
    presenceLeaseMs,
    publicOrigin,
    defaultCapacity: deps.config.defaultCapacity,
    loadConversation,
    rateLimits,
    admission,
    handshakes,
    db: dbAvailability,
    logger,
  });

  app.disable('x-powered-by');
  app.set('trust proxy', trust);
  app.use(securityHeaders({ isHttps }));
  app.use(healthRoutes({ health }));
  // Before the JSON parser: an upload's body is read by its route alone, after its checks [P21].
  app.use(
    attachmentRoutes({
      attachments: createAttachmentService({
        attachments: attachmentRepository,
        conversationFor: async (requester, id) =>
          authorizeConversation(
            ROUTE_POLICIES['GET /api/v1/attachments/:attachmentId'].conversation,
            requester,
            await conversationRepository.findById(id),
          ),
        limits: uploadLimits,
        clock,
      }),
      slots: uploadSlots,
      limits: uploadLimits,
      rateLimits,
      auth,
      sessionCookie,
      visitors,
      publicOrigin,
    }),
  );
  app.use('/api', express.json({ limit: MAX_JSON_BODY_BYTES, strict: true, type: 'application/json' }));
  app.use(
    authRoutes({
      auth,
      publicOrigin,
      sessionCookie,
      defaultCapacity: deps.config.defaultCapacity,
      rateLimits,
    }),
  );
  app.use(
    visitorRoutes({
      tokenTtlMs: visitorTokenTtlMs,
      visitors,
      departmentsOf: (siteId) => departments.listBySite(siteId),
      availability: createAvailabilityCache({
        ttlMs: deps.availabilityCacheMs ?? DEFAULT_AVAILABILITY_CACHE_MS,
        clock,
        load: (siteId, departmentId, locale) => routing.availability(siteId, departmentId, locale),
      }),
      publicOrigin,
      rateLimits,
    }),
  );
  app.use(staticRoutes({ paths: deps.paths, sites, publicOrigin }));
  app.use('/api', (_req, _res, next) => next(new AppError('NOT_FOUND', 'No such API route')));
  // Not Express's own page: every answer, a miss too, goes out with the default headers intact.
  app.use((_req, _res, next) => next(new AppError('NOT_FOUND', 'Nothing here')));
  app.use(errorMiddleware(logger));

  const sweeper = createSweeper({
    conversations: conversationRepository,
    messages,
    sites,
    leases,
    actions,
    routing,
    closer,
    clock,
    logger,
    nodeId,
    localLeaseIds: agentSockets.localLeaseIds,
    presenceLeaseMs,
    agents,
    timers,
    notifier,
    defaultCapacity: deps.config.defaultCapacity,
  });
  const background = createBackgroundWork({
    sweep: () => sweeper.sweep(),
    sweepSessions: () => auth.sweepExpired(),
    io,
    logger,
    sweepIntervalMs: deps.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
  });

  return {
    httpServer,
    io,
    repositories: { sites, agents, departments },
    sweep: background.sweep,
    uploadsInFlight: () => uploadSlots.inUse(),
    sweepSessions: () => auth.sweepExpired(),
    agentAccess,
    audit,
    routes: () => listRoutes(app),
    async start() {
      await ensureIndexes(c);
      background.start();
    },
    async close() {
      dbAvailability.stop();
      // Let work in flight finish while its sockets and adapter still exist.
      await background.stop();
      await routing.idle();
      await conversationRepository.flushActivity(ACTIVITY_FLUSH_TIMEOUT_MS);
      conversationRepository.stopActivity();
      notifier.flush();
      const closed = new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      // Idle keep-alive connections would hold the close for seconds.
      httpServer.closeIdleConnections();
      await closed;
      await leases.endForNode(nodeId, clock.now()).catch(() => undefined);
    },
  };
}
