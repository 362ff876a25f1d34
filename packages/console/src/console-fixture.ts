/** The whole console state over fakes, for the unit tests of its wiring (never imported by the app). */
import type { AgentProfile, Receipt, VisitorProfile } from '@hovor/protocol';
import { vi } from 'vitest';
import type { Api } from './api';
import { createConsoleState } from './console-state';
import { createSafeStorage } from './storage';
import { fakePage, fakeSocket, type Handler, ME, memoryBackend, message, summary } from './test-fakes';

const api = (profile: AgentProfile | null, overrides: Partial<Api>): Api => ({
  me: async () => profile,
  login: async () => ME,
  logout: async () => {},
  logoutEverywhere: async () => {},
  changePassword: async () => {},
  ...overrides,
});

/** Lets pending acks and zero-delay timers run; time stands still otherwise. */

/** A visitor the site did not identify, as `conversation:open` describes them. */
export const ANONYMOUS_VISITOR: VisitorProfile = {
  name: 'Visitor',
  email: null,
  userId: null,
  isNameVerified: false,
  isEmailVerified: false,
  attributes: {},
};
export const settle = () => vi.advanceTimersByTimeAsync(0);

/** `apiOverrides` replace the signed-in agent's REST calls, e.g. a session that ends. */
export function setupConsole(
  handlers: Record<string, Handler> = {},
  backend = memoryBackend(),
  apiOverrides: Partial<Api> = {},
) {
  const fake = fakeSocket({
    'conversations:list': (input) => ({ items: input.box === 'mine' ? [summary()] : [] }),
    'conversation:open': (input) => ({
      conversation: summary(),
      messages: input.afterSeq === 0 ? [message(1), message(2)] : [],
      hasMore: false,
      receipts: [],
      rating: null,
      pages: [],
      visitor: ANONYMOUS_VISITOR,
    }),
    'receipt:set': (input): Receipt => ({
      conversationId: String(input.conversationId),
      side: 'agent',
      deliveredSeq: Number(input.deliveredSeq),
      readSeq: Number(input.readSeq),
    }),
    ...handlers,
  });
  const page = fakePage();
  const state = createConsoleState({
    api: api(ME, apiOverrides),
    connect: () => fake.socket,
    storage: createSafeStorage(() => backend),
    page,
    random: () => 0.5,
  });
  return { state, page, backend, ...fake };
}
