import { AgentCommands, AgentHandshake } from '@hovor/protocol';
import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import { toAgentProfile } from '../agents/agent.repository.js';
import { type AuthService, readCookie, SESSION_COOKIE } from '../auth/auth.service.js';
import type { Clock } from '../clock.js';
import type { ConversationService } from '../conversations/conversation.service.js';
import type { DbAvailability } from '../db/availability.js';
import { AppError, isDatabaseUnreachable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LeaseRepository } from '../routing/lease.repository.js';
import type { RoutingService } from '../routing/routing.service.js';
import { describeIssues, handshakeError, refuseWhileDatabaseDown, registerCommands } from './command.js';
import { type AgentNamespace, type Notifier, rooms } from './notifier.js';
import { checkProtocolVersion } from './version.js';

/** How often a connection records console activity at most, for idle auto-away. */
const ACTIVITY_WRITE_MS = 10_000;
/** Default list size of the inbox. */
const DEFAULT_LIST_LIMIT = 50;

export interface AgentSocketDeps {
  auth: AuthService;
  agents: AgentRepository;
  leases: LeaseRepository;
  conversations: ConversationService;
  routing: RoutingService;
  notifier: () => Notifier;
  clock: Clock;
  nodeId: string;
  presenceLeaseMs: number;
  publicOrigin: string;
  defaultCapacity: number;
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

  nsp.use(async (socket, next) => {
    try {
      refuseWhileDatabaseDown(deps.db);
      const parsed = AgentHandshake.safeParse(socket.handshake.auth);
      if (!parsed.success)
        throw new AppError('BAD_REQUEST', `Bad handshake: ${describeIssues(parsed.error)}`);
      checkProtocolVersion(parsed.data.v);
      const origin = socket.handshake.headers.origin;
      if (origin !== undefined && origin !== deps.publicOrigin) {
        throw new AppError(
          'ORIGIN_NOT_ALLOWED',
          `The console only accepts connections from ${deps.publicOrigin}`,
        );
      }
      socket.data.agent = await deps.auth.authenticate(
        readCookie(socket.handshake.headers.cookie, SESSION_COOKIE),
      );
      next();
    } catch (error) {
      if (isDatabaseUnreachable(error)) deps.db.reportUnreachable();
      next(handshakeError(error));
    }
  });

  nsp.on('connection', async (socket) => {
    const signedIn = socket.data.agent as Agent;
    const leaseId = `${deps.nodeId}:${socket.id}`;
    // [RT19] Any command is console activity; recorded at most every ACTIVITY_WRITE_MS per connection.
    let lastActivityWrite = 0;
    const touch = async (): Promise<void> => {
      const now = deps.clock.now();
      if (now.getTime() - lastActivityWrite < ACTIVITY_WRITE_MS) return;
      lastActivityWrite = now.getTime();
      await deps.agents.noteActivity(signedIn.id, now);
    };
    const current = async (): Promise<Agent> => {
      await touch();
      const agent = await deps.agents.findById(signedIn.id);
      if (!agent) throw new AppError('UNAUTHORIZED', 'This agent no longer exists');
      return agent;
    };
    void socket.join([rooms.agent(signedIn.id), ...signedIn.siteIds.map(rooms.site)]);

    registerCommands(
      socket,
      AgentCommands,
      {
        'status:set': async ({ status }) => {
          const agent = await current();
          await deps.agents.setStatus(agent.id, status);
          const profile = toAgentProfile({ ...agent, status }, deps.defaultCapacity);
          deps.notifier().agentChanged(profile);
          if (status === 'online') deps.routing.assignQueuedInBackground(agent.siteIds);
          else
            deps.routing
              .agentLeft(agent)
              .catch((error: unknown) => log.error({ err: error }, 're-queueing failed'));
          return profile;
        },
        'presence:activity': async () => {
          await current();
          return null;
        },
        'conversations:list': async (input) => ({
          items: await deps.conversations.list(
            await current(),
            input.box,
            input.limit ?? DEFAULT_LIST_LIMIT,
            input.before,
          ),
        }),
        'conversation:open': async (input) => {
          const result = await deps.conversations.openForAgent(
            await current(),
            input.conversationId,
            input.afterSeq,
          );
          await socket.join(rooms.conversation(input.conversationId));
          return result;
        },
        'conversation:close': async (input) =>
          deps.conversations.close(await current(), input.conversationId),
        'conversation:transfer': async (input) =>
          deps.routing.transfer(await current(), input.conversationId, input.to, input.comment),
        'note:add': async (input) => deps.conversations.addNote(await current(), input),
        'team:list': async (input) => deps.conversations.team(await current(), input.conversationId),
        'conversation:reopen': async (input) => {
          const summary = await deps.routing.reopen(await current(), input.conversationId);
          await socket.join(rooms.conversation(input.conversationId));
          return summary;
        },
        'conversation:take': async (input) => {
          const summary = await deps.routing.take(await current(), input.conversationId);
          await socket.join(rooms.conversation(input.conversationId));
          return summary;
        },
        'message:send': async (input) => deps.conversations.sendAsAgent(await current(), input),
        'typing:set': async (input) =>
          deps.conversations.typingAsAgent(await current(), input.conversationId, input.isTyping),
        'receipt:set': async (input) => deps.conversations.receiptAsAgent(await current(), input),
      },
      { logger: log, db: deps.db },
    );

    socket.on('disconnect', () => {
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
