import type { Agent, AgentRepository } from '../agents/agent.repository.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { dummyPasswordHash, verifyPassword } from './password.js';
import type { SessionRepository } from './session.repository.js';
import { hashToken, newToken } from './tokens.js';

export const SESSION_COOKIE = 'hovor_session';

export function createAuthService(deps: {
  agents: AgentRepository;
  sessions: SessionRepository;
  clock: Clock;
  sessionTtlMs: number;
}) {
  return {
    /** Checks the credentials and opens a session; the token goes into the cookie only. */
    async signIn(email: string, password: string): Promise<{ agent: Agent; token: string; expiresAt: Date }> {
      const found = await deps.agents.findCredentials(email);
      const isValid = await verifyPassword(found?.passwordHash ?? (await dummyPasswordHash()), password);
      if (!found || !isValid) throw new AppError('UNAUTHORIZED', 'Wrong e-mail or password');
      const token = newToken();
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + deps.sessionTtlMs);
      await deps.sessions.create({ tokenHash: hashToken(token), agentId: found.agent.id, now, expiresAt });
      return { agent: found.agent, token, expiresAt };
    },

    /** The agent of a session cookie's token, or UNAUTHORIZED. */
    async authenticate(token: string | undefined): Promise<Agent> {
      if (!token || token.length > 128) throw new AppError('UNAUTHORIZED', 'Sign in first');
      const agentId = await deps.sessions.findAgentId(hashToken(token), deps.clock.now());
      const agent = agentId ? await deps.agents.findById(agentId) : null;
      if (!agent) throw new AppError('UNAUTHORIZED', 'Your session has ended; sign in again');
      return agent;
    },

    async signOut(token: string | undefined): Promise<void> {
      if (token) await deps.sessions.delete(hashToken(token));
    },
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
