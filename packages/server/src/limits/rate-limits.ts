import type { AgentCommands, VisitorCommands } from '@hovor/protocol';

/**
 * [A4] Every rate limit Hovor applies, by name, with what its points are counted by and how many
 * it allows. A limit allows `points` per `perMs` window; one with a burst allows up to
 * `burstPoints` more, refilled once per `burstPerMs`, for the short bursts of real clients (an
 * outbox flushing after a reconnect, a console opening its chats). Windows start at a key's first
 * point (rate-limiter-flexible's fixed windows). README's "Rate limits" table mirrors this one.
 */
export interface LimitRule {
  /** What the points are counted by: the caller's address, the e-mail signed in to, the visitor, the console socket, the uploader. */
  key: 'ip' | 'account' | 'visitor' | 'socket' | 'requester';
  points: number;
  perMs: number;
  burstPoints?: number;
  burstPerMs?: number;
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;

export const RATE_LIMITS = {
  /** A visitor's messages: 10 a second, bursts up to 20. */
  visitorMessages: {
    key: 'visitor',
    points: 10,
    perMs: SECOND_MS,
    burstPoints: 10,
    burstPerMs: 10 * SECOND_MS,
  },
  /** A visitor's typing signals: 5 a second (the widget sends at most one per change). */
  visitorTyping: { key: 'visitor', points: 5, perMs: SECOND_MS },
  /** A visitor's page views: 2 a second, bursts up to 6 (several tabs opening at once). */
  visitorPageViews: {
    key: 'visitor',
    points: 2,
    perMs: SECOND_MS,
    burstPoints: 4,
    burstPerMs: 10 * SECOND_MS,
  },
  /** A visitor's conversation starts: 5 a minute. */
  visitorStarts: { key: 'visitor', points: 5, perMs: MINUTE_MS },
  /** A visitor's offline messages: 3 per 10 minutes. */
  visitorOfflineMessages: { key: 'visitor', points: 3, perMs: 10 * MINUTE_MS },
  /** A visitor's attribute updates (the page's `Hovor('set', …)`): 10 a minute, bursts up to 20. */
  visitorAttributes: {
    key: 'visitor',
    points: 10,
    perMs: MINUTE_MS,
    burstPoints: 10,
    burstPerMs: 10 * MINUTE_MS,
  },
  /** A visitor's other commands (sync, receipts, availability, rating): 20 a second, bursts up to 40. */
  visitorCommands: {
    key: 'visitor',
    points: 20,
    perMs: SECOND_MS,
    burstPoints: 20,
    burstPerMs: 10 * SECOND_MS,
  },
  /** Every command of one console socket: 20 a second, bursts up to 60 (a console opening its chats). */
  agentCommands: { key: 'socket', points: 20, perMs: SECOND_MS, burstPoints: 40, burstPerMs: 10 * SECOND_MS },
  /** Uploads of one visitor or agent: 10 a minute (besides the concurrency caps and quotas of [P21]). */
  uploads: { key: 'requester', points: 10, perMs: MINUTE_MS },
  /**
   * New visitors (POST /api/v1/visitors) from one address: 120 a minute. Generous on purpose:
   * a mobile carrier's or an office's NAT puts many real visitors behind one address.
   */
  ipVisitorCreations: { key: 'ip', points: 120, perMs: MINUTE_MS },
  /** Socket.IO handshakes from one address, both namespaces together: 600 a minute (NAT, as above). */
  ipHandshakes: { key: 'ip', points: 600, perMs: MINUTE_MS },
  /** Sign-in attempts from one address, whatever the account: 20 a minute. */
  ipLogins: { key: 'ip', points: 20, perMs: MINUTE_MS },
  /**
   * Sign-in attempts for one e-mail address: 5, then a lockout of LOGIN_LOCKOUT_BASE_MS that doubles
   * with each lockout in a row (up to LOGIN_LOCKOUT_MAX_MS); a successful sign-in resets both.
   */
  accountLogins: { key: 'account', points: 5, perMs: MINUTE_MS },
} as const satisfies Record<string, LimitRule>;

export type LimitName = keyof typeof RATE_LIMITS;
/** The limits of each kind of key. */
export type LimitOf<K extends LimitRule['key']> = {
  [N in LimitName]: (typeof RATE_LIMITS)[N]['key'] extends K ? N : never;
}[LimitName];

/** The first lockout of an account after `accountLogins` is spent. */
export const LOGIN_LOCKOUT_BASE_MS = MINUTE_MS;
/** The longest lockout; reached after 7 lockouts in a row. */
export const LOGIN_LOCKOUT_MAX_MS = 60 * MINUTE_MS;
/** How long an account's lockouts in a row are remembered without a new one. */
export const LOGIN_LOCKOUT_MEMORY_MS = 24 * 60 * MINUTE_MS;
/**
 * Password hashes and verifications a node runs at once. Argon2id takes 19 MiB and about 50 ms of
 * a core each; past this, a sign-in is answered RATE_LIMITED at once instead of queueing memory.
 */
export const MAX_CONCURRENT_PASSWORD_HASHES = 4;
/** The retry-after of a sign-in refused because every hashing slot is busy. */
export const PASSWORD_HASH_RETRY_AFTER_MS = SECOND_MS;

/**
 * [A4] The limit each visitor command spends, counted per visitor (all their tabs together). A
 * command missing here does not compile.
 */
export const VISITOR_COMMAND_LIMITS = {
  'conversation:start': 'visitorStarts',
  'conversation:sync': 'visitorCommands',
  'message:send': 'visitorMessages',
  'typing:set': 'visitorTyping',
  'receipt:set': 'visitorCommands',
  'availability:get': 'visitorCommands',
  'offline:leave': 'visitorOfflineMessages',
  'conversation:rate': 'visitorCommands',
  'visitor:attributes': 'visitorAttributes',
  'page:view': 'visitorPageViews',
} as const satisfies Record<keyof typeof VisitorCommands, LimitOf<'visitor'>>;

/** [A4] The limit each agent command spends, counted per console socket. */
export const AGENT_COMMAND_LIMITS = {
  'status:set': 'agentCommands',
  'presence:activity': 'agentCommands',
  'conversations:list': 'agentCommands',
  'conversation:open': 'agentCommands',
  'conversation:close': 'agentCommands',
  'conversation:transfer': 'agentCommands',
  'note:add': 'agentCommands',
  'team:list': 'agentCommands',
  'conversation:reopen': 'agentCommands',
  'conversation:take': 'agentCommands',
  'message:send': 'agentCommands',
  'typing:set': 'agentCommands',
  'receipt:set': 'agentCommands',
  'visitor:block': 'agentCommands',
  'blocks:list': 'agentCommands',
  'visitor:unblock': 'agentCommands',
} as const satisfies Record<keyof typeof AgentCommands, LimitOf<'socket'>>;
