import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import type { AuditLog } from '../audit/audit.repository.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { SessionSockets } from '../sockets/session-sockets.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import type { Session, SessionRepository } from './session.repository.js';
import { hashToken, newToken } from './tokens.js';

/**
 * How long a node trusts a session it checked before a command checks it again. A session ended on
 * another node is refused here at most this much later (its sockets end at once through the adapter).
 */
export const SESSION_RECHECK_MS = 5_000;
/** Sessions this node remembers having checked; the oldest is forgotten past it. */
const MAX_CHECKED_SESSIONS = 10_000;

/** Who asked, for the audit log. */
export interface RequestMeta {
  ip: string | null;
}

export function createAuthService(deps: {
  agents: AgentRepository;
  sessions: SessionRepository;
  sockets: SessionSockets;
  audit: AuditLog;
  clock: Clock;
  sessionTtlMs: number;
  /** [A4] Runs a password hash or check in one of the node's few slots, or refuses RATE_LIMITED. */
  hashing: <T>(work: () => Promise<T>) => Promise<T>;
}) {
  /** Sessions checked lately on this node: id → the session and when it was checked. */
  const checked = new Map<string, { session: Session; checkedAt: number }>();

  function forget(sessionId: string): void {
    checked.delete(sessionId);
  }

  /** The live session and its active agent, or UNAUTHORIZED. */
  async function sessionOf(token: string | undefined): Promise<{ agent: Agent; session: Session }> {
    if (!token || token.length > 128) throw new AppError('UNAUTHORIZED', 'Sign in first');
    const session = await deps.sessions.findLive(hashToken(token), deps.clock.now());
    const agent = session ? await deps.agents.findById(session.agentId) : null;
    if (!session || !agent?.isActive)
      throw new AppError('UNAUTHORIZED', 'Your session has ended; sign in again');
    return { agent, session };
  }

  return {
    /** Checks the credentials and opens a session; the token goes into the cookie only. */
    async signIn(
      email: string,
      password: string,
      meta: RequestMeta,
    ): Promise<{ agent: Agent; token: string; expiresAt: Date }> {
      const found = await deps.agents.findCredentials(email);
      const isValid = await deps.hashing(async () =>
        verifyPassword(found?.passwordHash ?? (await dummyPasswordHash()), password),
      );
      if (!found || !isValid || !found.agent.isActive) {
        await deps.audit.record({
          action: 'auth.sign_in_failed',
          actorId: null,
          targetId: found?.agent.id ?? null,
          ip: meta.ip,
          details: {
            email: email.toLowerCase().slice(0, 200),
            reason: !found || !isValid ? 'credentials' : 'deactivated',
          },
        });
        throw new AppError('UNAUTHORIZED', 'Wrong e-mail or password');
      }
      const token = newToken();
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + deps.sessionTtlMs);
      await deps.sessions.create({ tokenHash: hashToken(token), agentId: found.agent.id, now, expiresAt });
      await deps.audit.record({ action: 'auth.signed_in', actorId: found.agent.id, ip: meta.ip });
      return { agent: found.agent, token, expiresAt };
    },

    /** The agent of a session cookie's token, or UNAUTHORIZED. */
    async authenticate(token: string | undefined): Promise<Agent> {
      return (await sessionOf(token)).agent;
    },

    /** The agent and the session of a cookie's token (a console socket keeps both), or UNAUTHORIZED. */
    authenticateSession: sessionOf,

    /**
     * Whether a session a socket opened with is still live: read again when this node checked it
     * more than SESSION_RECHECK_MS ago [P25]. The agent's own state is the caller's to read.
     */
    async isLive(session: Session): Promise<boolean> {
      const now = deps.clock.now().getTime();
      if (session.expiresAt.getTime() <= now) return false;
      const held = checked.get(session.id);
      if (held && now - held.checkedAt < SESSION_RECHECK_MS) return true;
      const live = await deps.sessions.findLive(session.id, new Date(now));
      if (!live) {
        forget(session.id);
        return false;
      }
      checked.delete(session.id);
      checked.set(session.id, { session: live, checkedAt: now });
      if (checked.size > MAX_CHECKED_SESSIONS) checked.delete(checked.keys().next().value!);
      return true;
    },

    /** Ends the session of this token and its sockets on every node. */
    async signOut(token: string | undefined, meta: RequestMeta): Promise<void> {
      if (!token || token.length > 128) return;
      const id = hashToken(token);
      const session = await deps.sessions.findLive(id, deps.clock.now());
      await deps.sessions.delete(id);
      forget(id);
      deps.sockets.endSession(id);
      if (session)
        await deps.audit.record({ action: 'auth.signed_out', actorId: session.agentId, ip: meta.ip });
    },

    /** Ends every session of the agent, this one included, and their sockets on every node. */
    async signOutEverywhere(agent: Agent, meta: RequestMeta): Promise<void> {
      await deps.sessions.deleteOfAgent(agent.id);
      checked.clear();
      deps.sockets.endAgent(agent.id);
      await deps.audit.record({ action: 'auth.signed_out_everywhere', actorId: agent.id, ip: meta.ip });
    },

    /**
     * Changes the agent's password after checking the current one; every other session of the
     * agent ends (a thief signed in elsewhere is out), the one that asked stays.
     */
    async changePassword(
      token: string | undefined,
      input: { currentPassword: string; newPassword: string },
      meta: RequestMeta,
    ): Promise<void> {
      const { agent, session } = await sessionOf(token);
      const found = await deps.agents.findCredentials(agent.email);
      const isCurrent = await deps.hashing(async () =>
        found ? verifyPassword(found.passwordHash, input.currentPassword) : false,
      );
      if (!isCurrent) {
        await deps.audit.record({
          action: 'auth.sign_in_failed',
          actorId: agent.id,
          targetId: agent.id,
          ip: meta.ip,
          details: { email: agent.email, reason: 'password change' },
        });
        throw new AppError('FORBIDDEN', 'The current password is wrong');
      }
      await deps.agents.setPasswordHash(agent.id, await deps.hashing(() => hashPassword(input.newPassword)));
      await deps.sessions.deleteOfAgent(agent.id, session.id);
      checked.clear();
      deps.sockets.endAgent(agent.id, session.id);
      await deps.audit.record({ action: 'auth.password_changed', actorId: agent.id, ip: meta.ip });
    },

    /** Deletes sessions past their expiry (their sockets were ended by their own timers) [P25]. */
    sweepExpired: () => deps.sessions.deleteExpired(deps.clock.now()),
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
