import {
  type Ack,
  AckOf,
  AgentProfile,
  API_PREFIX,
  type ChangePasswordBody,
  type LoginBody,
} from '@hovor/protocol';
import { z } from 'zod/mini';
import { ConsoleError } from './console-error';

/** The REST calls the console makes; the session cookie travels with each of them. */
export interface Api {
  /** The signed-in agent, or `null` when there is no valid session. */
  me(): Promise<AgentProfile | null>;
  login(body: LoginBody): Promise<AgentProfile>;
  logout(): Promise<void>;
  /** Ends every session of the agent, this one included [P25]. */
  logoutEverywhere(): Promise<void>;
  /** Rejects as `FORBIDDEN` when the current password is wrong; the agent's other sessions end [P25]. */
  changePassword(body: ChangePasswordBody): Promise<void>;
}

async function request<T extends z.core.$ZodType>(
  path: string,
  data: T,
  init: RequestInit = {},
): Promise<z.output<T>> {
  let response: Response;
  try {
    response = await fetch(`${API_PREFIX}${path}`, {
      ...init,
      credentials: 'same-origin',
      headers: init.body ? { 'content-type': 'application/json' } : {},
    });
  } catch (cause) {
    throw new ConsoleError('UNAVAILABLE', 'Cannot reach the Hovor server. Check your connection and retry.', {
      cause,
    });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new ConsoleError('INTERNAL', `The server answered HTTP ${response.status} without a JSON body.`, {
      cause,
    });
  }
  const ack = AckOf(data).safeParse(body);
  if (!ack.success) {
    throw new ConsoleError(
      'INTERNAL',
      `Unexpected answer from ${path}; the server may be a different version.`,
      {
        cause: ack.error,
      },
    );
  }
  // zod cannot narrow a union built on a generic schema; `Ack` restores the discriminant.
  const result = ack.data as Ack<z.output<T>>;
  if (!result.ok) throw ConsoleError.fromBody(result.error);
  return result.data;
}

/** The REST client of the same origin that serves the console. */
export function createApi(): Api {
  return {
    async me() {
      try {
        return await request('/auth/me', AgentProfile);
      } catch (error) {
        if (error instanceof ConsoleError && error.code === 'UNAUTHORIZED') return null;
        throw error;
      }
    },
    login(body) {
      return request('/auth/login', AgentProfile, { method: 'POST', body: JSON.stringify(body) });
    },
    async logout() {
      await request('/auth/logout', z.null(), { method: 'POST', body: '{}' });
    },
    async logoutEverywhere() {
      await request('/auth/logout-everywhere', z.null(), { method: 'POST', body: '{}' });
    },
    async changePassword(body) {
      await request('/auth/password', z.null(), { method: 'POST', body: JSON.stringify(body) });
    },
  };
}
