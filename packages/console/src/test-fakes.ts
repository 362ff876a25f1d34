/**
 * Fakes for the console's unit tests (never imported by the app): just enough of a Socket.IO
 * client socket, of `localStorage` and of the page, plus protocol fixtures.
 */
import type { AgentProfile, ConversationSummary, Message, Receipt } from '@hovor/protocol';
import type { PageEventName, PageEvents } from './page-events';
import type { AgentSocket } from './socket';

export const ME: AgentProfile = {
  id: 'a00000000000000000000001',
  name: 'Alice',
  email: 'alice@example.com',
  role: 'agent',
  status: 'online',
  capacity: 3,
};
export const COLLEAGUE = { id: 'a00000000000000000000002', name: 'Bo' };
export const CONVERSATION_ID = 'c00000000000000000000001';
export const OTHER_CONVERSATION_ID = 'c00000000000000000000002';

export const summary = (overrides: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: CONVERSATION_ID,
  siteId: 's00000000000000000000001',
  visitorId: 'v00000000000000000000001',
  visitorName: 'Ada',
  state: 'assigned',
  agent: { id: ME.id, name: ME.name },
  lastSeq: 2,
  lastMessageText: 'Hello',
  createdAt: '2025-01-01T10:00:00.000Z',
  queuedAt: '2025-01-01T10:00:00.000Z',
  assignedAt: '2025-01-01T10:00:01.000Z',
  closedAt: null,
  ...overrides,
});

export const message = (seq: number, overrides: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  conversationId: CONVERSATION_ID,
  seq,
  kind: 'text',
  author: { type: 'visitor', id: 'v1', name: 'Ada' },
  text: `text ${seq}`,
  event: null,
  attachment: null,
  clientMsgId: null,
  createdAt: '2025-01-01T10:00:00.000Z',
  ...overrides,
});

/** A message the signed-in agent wrote. */
export const mine = (seq: number, overrides: Partial<Message> = {}): Message =>
  message(seq, { author: { type: 'agent', id: ME.id, name: ME.name }, ...overrides });

export const visitorReceipt = (
  deliveredSeq: number,
  readSeq: number,
  conversationId = CONVERSATION_ID,
): Receipt => ({
  conversationId,
  side: 'visitor',
  deliveredSeq,
  readSeq,
});

export type Handler = (input: Record<string, unknown>) => unknown;

/** What a handler returns to make the server refuse the command with an error ack. */
export class Refusal {
  constructor(readonly error: { code: string; message: string; retryAfterMs?: number }) {}
}

export const refuse = (code: string, message = `refused: ${code}`) => new Refusal({ code, message });

/** A handler's answer that arrives when the test says so. */
export function deferred<T = unknown>() {
  let resolve!: (value: T) => void;
  let reject!: (cause: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Commands answer from `handlers` (a throw plays a lost answer, which `command` turns into
 * `UNAVAILABLE`); `fire` plays notifications and connection events; `sent` records every command.
 */
export function fakeSocket(initial: Record<string, Handler> = {}) {
  const handlers: Record<string, Handler> = { ...initial };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  let connectCalls = 0;
  const socket = {
    on(name: string, fn: (payload: unknown) => void) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)?.add(fn);
      return socket;
    },
    off(name: string, fn: (payload: unknown) => void) {
      listeners.get(name)?.delete(fn);
      return socket;
    },
    timeout: () => ({
      async emitWithAck(name: string, input: Record<string, unknown>) {
        sent.push({ name, input });
        const handler = handlers[name];
        if (!handler) return { ok: false, error: { code: 'NOT_FOUND', message: `no handler for ${name}` } };
        const data = await handler(input);
        return data instanceof Refusal ? { ok: false, error: data.error } : { ok: true, data };
      },
    }),
    connect() {
      connectCalls++;
    },
    disconnect() {},
  };
  const fire = (name: string, payload?: unknown) => {
    for (const fn of listeners.get(name) ?? []) fn(payload);
  };
  const sentOf = (name: string) => sent.filter((c) => c.name === name).map((c) => c.input);
  return {
    socket: socket as unknown as AgentSocket,
    handlers,
    sent,
    sentOf,
    fire,
    connectCalls: () => connectCalls,
  };
}

/** A `Storage` over a map the test can read, shared by the "tabs" of one browser. */
export function memoryBackend(): Storage & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get length() {
      return entries.size;
    },
    clear: () => entries.clear(),
    getItem: (key) => entries.get(key) ?? null,
    key: (index) => [...entries.keys()][index] ?? null,
    removeItem: (key) => void entries.delete(key),
    setItem: (key, value) => void entries.set(key, value),
  };
}

/** The page: `fire` plays an event; `visible` says whether the agent can see it. */
export function fakePage(): PageEvents & { fire: (name: PageEventName) => void; visible: boolean } {
  const listeners = new Map<PageEventName, Set<() => void>>();
  const page = {
    visible: true,
    on(name: PageEventName, fn: () => void) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)?.add(fn);
      return () => void listeners.get(name)?.delete(fn);
    },
    isVisible: () => page.visible,
    fire(name: PageEventName) {
      for (const fn of listeners.get(name) ?? []) fn();
    },
  };
  return page;
}
