import { AgentCommands, AgentHandshake } from '@hovor/protocol';
import { AGENT_COMMAND_POLICIES } from '../access/policies.js';
import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import { toAgentProfile } from '../agents/agent.repository.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Session } from '../auth/session.repository.js';
import type { SessionCookie } from '../auth/session-cookie.js';
import type { BlockService } from '../blocks/block.service.js';
import type { Conversation } from '../conversations/conversation.repository.js';
import type { ConversationService } from '../conversations/conversation.service.js';
import type { DbAvailability } from '../db/availability.js';
import { AppError } from '../errors.js';
import type { CommandAdmission } from '../limits/admission.js';
import type { RateLimits } from '../limits/rate-limiter.js';
import { AGENT_COMMAND_LIMITS } from '../limits/rate-limits.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { LeaseRepository } from '../routing/lease.repository.js';
import type { RoutingService } from '../routing/routing.service.js';
import { admitHandshake, describeIssues, refuseWhileDatabaseDown, registerCommands } from './command.js';
import { type AgentNamespace, rooms } from './notifier.js';
import { checkProtocolVersion } from './version.js';

/** How often a connection records console activity at most, for idle auto-away. */
const ACTIVITY_WRITE_MS = 10_000;
/**
 * How long a connection trusts its last read of its agent (role, sites, whether active), in ms.
 * Far below the session check's own cache (SESSION_RECHECK_MS), which bounds how late a
 * deactivation is noticed anyway; a status change on this connection reads again at once.
 */
const AGENT_REREAD_MS = 1_000;
/** Default list size of the inbox. */
const DEFAULT_LIST_LIMIT = 50;

export interface AgentSocketDeps {
  auth: AuthService;
  sessionCookie: SessionCookie;
  agents: AgentRepository;
  leases: LeaseRepository;
  conversations: ConversationService;
  routing: RoutingService;
  /** [P26] Blocking visitors. */
  blocks: BlockService;
  notifier: Notifier;
  clock: Clock;
  nodeId: string;
  presenceLeaseMs: number;
  publicOrigin: string;
  defaultCapacity: number;
  /** Reads a conversation for the command wrapper's policy check [A1]. */
  loadConversation: (id: string) => Promise<Conversation | null>;
  /** [A4] Each command spends its limit, counted per console socket. */
  rateLimits: Pick<RateLimits, 'consume'>;
  /** [A4] The node's bound on commands in flight. */
  admission: CommandAdmission;
  /** [A4] The node's bound on handshakes in flight. */
  handshakes: Pick<CommandAdmission, 'run'>;
  db: DbAvailability;
  logger: Logger;
}

/**
 * The agent namespace: the session cookie authenticates, the Origin must be Hovor's own.
 * Each connection holds a presence lease while it is open.
 */
export function attachAgentNamespace(
  nsp: AgentNamespace,
  deps: AgentSocketDeps,
): { localLeaseIds(): string[] } {
  const log = deps.logger.child({ module: 'agent-socket' });
  const leaseIds = new Set<string>();

  nsp.use((socket, next) => {
    admitHandshake(deps.handshakes, () => checkHandshake(socket), next, { db: deps.db, logger: log });
  });

  async function checkHandshake(socket: Parameters<Parameters<typeof nsp.use>[0]>[0]): Promise<void> {
    refuseWhileDatabaseDown(deps.db);
    const parsed = AgentHandshake.safeParse(socket.handshake.auth);
    if (!parsed.success) throw new AppError('BAD_REQUEST', `Bad handshake: ${describeIssues(parsed.error)}`);
    checkProtocolVersion(parsed.data.v);
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && origin !== deps.publicOrigin) {
      throw new AppError(
        'ORIGIN_NOT_ALLOWED',
        `The console only accepts connections from ${deps.publicOrigin}`,
      );
    }
    const { agent, session } = await deps.auth.authenticateSession(
      deps.sessionCookie.read(socket.handshake.headers.cookie),
    );
    socket.data.agent = agent;
    socket.data.session = session;
  }

  nsp.on('connection', async (socket) => {
    const signedIn = socket.data.agent as Agent;
    const session = socket.data.session as Session;
    const leaseId = `${deps.nodeId}:${socket.id}`;
    // [P25] The socket ends with its session: at expiry here, at sign-out or an access change
    // through the adapter (SessionSockets), and a command finds out within SESSION_RECHECK_MS.
    const expiry = endAtExpiry(socket, session.expiresAt, deps.clock);
    // [RT19] Any command is console activity; recorded at most every ACTIVITY_WRITE_MS per connection.
    let lastActivityWrite = 0;
    const touch = async (): Promise<void> => {
      const now = deps.clock.now();
      if (now.getTime() - lastActivityWrite < ACTIVITY_WRITE_MS) return;
      lastActivityWrite = now.getTime();
      await deps.agents.noteActivity(signedIn.id, now);
    };
    // What this socket last read of its agent, trusted for AGENT_REREAD_MS (a burst of replies costs one read).
    let known: { agent: Promise<Agent | null>; at: number } | null = null;
    const agentNow = (): Promise<Agent | null> => {
      const at = performance.now();
      if (!known || at - known.at >= AGENT_REREAD_MS)
        known = { agent: deps.agents.findById(signedIn.id), at };
      const reading = known;
      // A failed read is not kept.
      reading.agent.catch(() => {
        if (known === reading) known = null;
      });
      return reading.agent;
    };
    const current = async (): Promise<Agent> => {
      const [isLive, agent] = await Promise.all([deps.auth.isLive(session), agentNow()]);
      if (!isLive || !agent?.isActive) {
        // After the answer below has gone out: the console learns why before the socket ends.
        setImmediate(() => socket.disconnect(true));
        throw new AppError('UNAUTHORIZED', 'Your session has ended; sign in again');
      }
      await touch();
      return agent;
    };
    void socket.join([
      rooms.agent(signedIn.id),
      rooms.session(session.id),
      ...signedIn.siteIds.map(rooms.site),
    ]);

    registerCommands(
      socket,
      AgentCommands,
      {
        'status:set': async ({ status }, { who: { agent } }) => {
          await deps.agents.setStatus(agent.id, status);
          known = null;
          const profile = toAgentProfile({ ...agent, status }, deps.defaultCapacity);
          deps.notifier.agentChanged(profile);
          if (status === 'online') deps.routing.assignQueuedInBackground(agent.siteIds);
          else
            deps.routing
              .agentLeft(agent)
              .catch((error: unknown) => log.error({ err: error }, 're-queueing failed'));
          return profile;
        },
        'presence:activity': async () => null,
        'conversations:list': async (input, { who: { agent } }) => ({
          items: await deps.conversations.list(
            agent,
            input.box,
            input.limit ?? DEFAULT_LIST_LIMIT,
            input.before,
          ),
        }),
        'conversation:open': async (input, { conversation }) => {
          const [result, block] = await Promise.all([
            deps.conversations.openForAgent(conversation!, input.afterSeq),
            deps.blocks.blockOf(conversation!),
          ]);
          await socket.join(rooms.conversation(input.conversationId));
          return block ? { ...result, block } : result;
        },
        'conversation:close': async (_input, { who: { agent }, conversation }) =>
          deps.conversations.close(agent, conversation!),
        'conversation:transfer': async (input, { who: { agent } }) =>
          deps.routing.transfer(agent, input.conversationId, input.to, input.comment),
        'note:add': async (input, { who: { agent }, conversation }) =>
          deps.conversations.addNote(agent, conversation!, input),
        'team:list': async (_input, { who: { agent }, conversation }) =>
          deps.conversations.team(agent, conversation!),
        'conversation:reopen': async (input, { who: { agent } }) => {
          const summary = await deps.routing.reopen(agent, input.conversationId);
          await socket.join(rooms.conversation(input.conversationId));
          return summary;
        },
        'conversation:take': async (input, { who: { agent } }) => {
          const summary = await deps.routing.take(agent, input.conversationId);
          await socket.join(rooms.conversation(input.conversationId));
          return summary;
        },
        'message:send': async (input, { who: { agent }, conversation }) =>
          deps.conversations.sendAsAgent(agent, conversation!, input),
        'typing:set': async (input, { who: { agent }, conversation }) =>
          deps.conversations.typingAsAgent(agent, conversation!, input.isTyping),
        'receipt:set': async (input, { conversation }) =>
          deps.conversations.receiptAsAgent(conversation!, input),
        'visitor:block': async (input, { who: { agent }, conversation }) =>
          deps.blocks.block(agent, conversation!, input.reason),
        'blocks:list': async (input, { who: { agent } }) => deps.blocks.list(agent, input),
        'visitor:unblock': async (input, { who: { agent } }) => deps.blocks.unblock(agent, input),
      },
      {
        policies: AGENT_COMMAND_POLICIES,
        limits: AGENT_COMMAND_LIMITS,
        limitKey: socket.id,
        admission: deps.admission,
        rateLimits: deps.rateLimits,
        who: async () => ({ type: 'agent', agent: await current() }) as const,
        loadConversation: deps.loadConversation,
        logger: log,
        db: deps.db,
      },
    );

    socket.on('disconnect', () => {
      expiry.cancel();
      leaseIds.delete(leaseId);
      deps.leases
        .end(leaseId, deps.clock.now())
        .catch((error: unknown) => log.warn({ err: error }, 'ending a lease failed'));
    });

    try {
      await deps.leases.put({
        id: leaseId,
        agentId: signedIn.id,
        nodeId: deps.nodeId,
        expiresAt: new Date(deps.clock.now().getTime() + deps.presenceLeaseMs),
      });
      if (socket.connected) {
        leaseIds.add(leaseId);
        await touch();
        deps.routing.assignQueuedInBackground(signedIn.siteIds);
      } else {
        await deps.leases.end(leaseId, deps.clock.now());
      }
    } catch (error) {
      log.error({ err: error }, 'taking a presence lease failed');
      socket.disconnect(true);
    }
  });

  return { localLeaseIds: () => [...leaseIds] };
}

/** Longest delay a Node timer takes (about 24.8 days); a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Disconnects the socket when its session expires [P25]. */
function endAtExpiry(socket: { disconnect(close: boolean): unknown }, expiresAt: Date, clock: Clock) {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remainingMs = expiresAt.getTime() - clock.now().getTime();
    if (remainingMs <= 0) {
      socket.disconnect(true);
      return;
    }
    timer = setTimeout(arm, Math.min(remainingMs, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}
