import { randomUUID } from 'node:crypto';
import {
  type Ack,
  AGENT_NAMESPACE,
  type AgentClientToServerEvents,
  type AgentRole,
  type AgentServerToClientEvents,
  PROTOCOL_VERSION,
  VISITOR_NAMESPACE,
  type VisitorClientToServerEvents,
  type VisitorConversation,
  type VisitorServerToClientEvents,
} from '@hovor/protocol';
import { io, type Socket } from 'socket.io-client';
import { inject } from 'vitest';
import type { HovorApp } from '../../src/app.js';
import type { UploadLimits } from '../../src/attachments/upload-limits.js';
import { hashPassword } from '../../src/auth/password.js';
import type { AppConfig } from '../../src/config.js';
import { collections } from '../../src/db/collections.js';
import { type connectMongo, EMBEDDED_DB_POOL_SIZE } from '../../src/db/connect.js';
import type { RateLimitOptions } from '../../src/limits/rate-limiter.js';
import { createLogger } from '../../src/logger.js';
import { startHovor } from '../../src/node.js';
import type { Clock } from '../../src/ports/clock.js';
import type { RoutingSettings } from '../../src/sites/routing-settings.js';
import type { Site } from '../../src/sites/site.repository.js';
import { relaxedRateLimits } from '../../src/testing.js';

export type VisitorSocket = Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;
export type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

/** The page origin the test site allows. */
export const SHOP_ORIGIN = 'http://shop.test';
/** Fast enough that tests never wait long, slow enough to matter. */
const EVENT_TIMEOUT_MS = 10_000;
/** Hashing with the production cost makes seeding many agents slow and proves nothing more. */
let passwordHash: Promise<string> | undefined;
export const AGENT_PASSWORD = 'correct horse battery staple';

export interface Harness {
  hovor: HovorApp;
  /** The database commands the node sent, when started with `recordCommands`. */
  commands: Array<{ name: string; collection: string }>;
  baseUrl: string;
  config: AppConfig;
  db: Awaited<ReturnType<typeof connectMongo>>['db'];
  c: ReturnType<typeof collections>;
  site: Site;
  seedAgent(input: {
    name: string;
    capacity?: number;
    siteIds?: string[];
    departmentIds?: string[];
    role?: AgentRole;
  }): Promise<{ id: string; email: string }>;
  visitor(options?: {
    hostOrigin?: string;
  }): Promise<{ socket: VisitorSocket; token: string; visitorId: string }>;
  /** A visitor's socket with `token`, and an identity token of the site's user when given [P19]. */
  visitorWithToken(token: string, identity?: string): Promise<VisitorSocket>;
  /** A new agent, signed in on a socket, with status online. */
  onlineAgent(
    name: string,
    options?: { capacity?: number; departmentIds?: string[] },
  ): Promise<{ id: string; email: string; socket: AgentSocket }>;
  /** A new visitor who starts a conversation. */
  startChat(): Promise<{
    socket: VisitorSocket;
    token: string;
    visitorId: string;
    conversation: VisitorConversation;
  }>;
  agent(email: string): Promise<AgentSocket>;
  close(): Promise<void>;
}

/** The pool main.ts uses for the embedded database, unless the run uses MongoDB (MONGODB_URL). */
export const testPoolOptions = () => (process.env.MONGODB_URL ? {} : { maxPoolSize: EMBEDDED_DB_POOL_SIZE });

/** Starts Hovor on port 0 against a database of its own and seeds one site. */
export async function startHarness(
  options: {
    sweepIntervalMs?: number;
    publicUrl?: string;
    clock?: Clock;
    /** Upload caps, quotas and deadline [P21]; the server's defaults where absent. */
    uploadLimits?: Partial<UploadLimits>;
    routing?: Partial<RoutingSettings>;
    /** A second node: the same database and site as that harness. */
    shareDatabaseWith?: Harness;
    /** A database server of the test's own (e.g. one it stops); the run's shared one by default. */
    mongoUrl?: string;
    /** [A4] The node's rate limits; out of reach by default (`relaxedRateLimits`). */
    rateLimits?: RateLimitOptions;
    /** Whose X-Forwarded-For the node believes (TRUST_PROXY); nobody's by default. */
    trustProxy?: AppConfig['trustProxy'];
    /** [A4] Commands the node works on at once (the server's default where absent). */
    maxCommandsInFlight?: number;
    /** Records the database commands the node sends (`h.commands`). */
    recordCommands?: boolean;
  } = {},
): Promise<Harness> {
  const shared = options.shareDatabaseWith;
  const dbName = shared?.db.databaseName ?? `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const config: AppConfig = {
    publicUrl: options.publicUrl ?? 'http://hovor.test',
    sessionTtlMs: 3_600_000,
    defaultCapacity: 3,
    isProduction: false,
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  };
  const node = await startHovor({
    database: {
      url: options.mongoUrl ?? inject('mongoUrl'),
      name: dbName,
      ...testPoolOptions(),
      monitorCommands: options.recordCommands ?? false,
    },
    config,
    // TEST_LOG_LEVEL=error shows what the server logs while a test runs (e.g. a command that failed).
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    sweepIntervalMs: options.sweepIntervalMs ?? 0,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.uploadLimits ? { uploadLimits: options.uploadLimits } : {}),
    rateLimits: options.rateLimits ?? relaxedRateLimits(),
    ...(options.maxCommandsInFlight ? { maxCommandsInFlight: options.maxCommandsInFlight } : {}),
  });
  const hovor = node.app;
  const commands: Array<{ name: string; collection: string }> = [];
  node.mongoClient?.on('commandStarted', (event) => {
    const collection = event.command[event.commandName];
    commands.push({ name: event.commandName, collection: typeof collection === 'string' ? collection : '' });
  });
  const baseUrl = node.url;
  const site =
    shared?.site ??
    (await hovor.repositories.sites.create(
      {
        key: 'test-site',
        name: 'Test Shop',
        allowedOrigins: [SHOP_ORIGIN],
        color: '#123456',
        greeting: 'Hello',
        ...(options.routing ? { routing: options.routing } : {}),
      },
      new Date(),
    ));
  const sockets: Socket[] = [];

  const connect = <S extends Socket>(socket: S) => connectSocket(socket, sockets);

  const harness: Harness = {
    hovor,
    commands,
    baseUrl,
    config,
    db: node.db,
    c: collections(node.db),
    site,
    seedAgent: (input) => createTestAgent(hovor.repositories.agents, site.id, input),
    async visitor(visitorOptions = {}) {
      const hostOrigin = visitorOptions.hostOrigin ?? SHOP_ORIGIN;
      const response = await fetch(`${baseUrl}/api/v1/visitors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ siteKey: site.key, hostOrigin }),
      });
      const body = (await response.json()) as Ack<{ visitorId: string; token: string }>;
      if (!body.ok) throw new Error(`creating a visitor failed: ${body.error.code}`);
      const socket = await harness.visitorWithToken(body.data.token);
      return { socket, token: body.data.token, visitorId: body.data.visitorId };
    },
    async onlineAgent(name, options = {}) {
      const seeded = await harness.seedAgent({ name, ...options });
      const socket = await harness.agent(seeded.email);
      await ok(socket, 'status:set', { status: 'online' });
      return { ...seeded, socket };
    },
    async startChat() {
      const visitor = await harness.visitor();
      const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
        requestId: clientId(),
      });
      return { ...visitor, conversation };
    },
    visitorWithToken(token, identity) {
      return connect<VisitorSocket>(
        io(`${baseUrl}${VISITOR_NAMESPACE}`, {
          auth: { v: PROTOCOL_VERSION, siteKey: site.key, token, hostOrigin: SHOP_ORIGIN, identity },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        }),
      );
    },
    async agent(email) {
      const cookie = await signIn(baseUrl, email, AGENT_PASSWORD);
      return connect<AgentSocket>(
        io(`${baseUrl}${AGENT_NAMESPACE}`, {
          auth: { v: PROTOCOL_VERSION },
          extraHeaders: { cookie },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        }),
      );
    },
    async close() {
      for (const socket of sockets) socket.disconnect();
      await node.stop();
      if (!shared) await node.db.dropDatabase();
      await node.close();
    },
  };
  return harness;
}

/** Resolves once the socket is connected (and remembers it in `opened`), or rejects with the refusal. */
export async function connectSocket<S extends Socket>(socket: S, opened: Socket[]): Promise<S> {
  opened.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

let agentCount = 0;

/** Creates an agent of `siteId` with the test password (hashed once per file: production cost, once). */
export async function createTestAgent(
  agents: HovorApp['repositories']['agents'],
  siteId: string,
  input: { name: string; capacity?: number; siteIds?: string[]; departmentIds?: string[]; role?: AgentRole },
): Promise<{ id: string; email: string }> {
  passwordHash ??= hashPassword(AGENT_PASSWORD);
  const email = `agent${++agentCount}-${randomUUID().slice(0, 6)}@example.test`;
  const agent = await agents.create(
    {
      email,
      name: input.name,
      passwordHash: await passwordHash,
      role: input.role ?? 'agent',
      siteIds: input.siteIds ?? [siteId],
      departmentIds: input.departmentIds ?? [],
      ...(input.capacity === undefined ? {} : { capacity: input.capacity }),
    },
    new Date(),
  );
  return { id: agent.id, email };
}

/** Signs in through the REST API and returns the session cookie (name=value). */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const setCookie = response.headers.get('set-cookie');
  if (response.status !== 200 || !setCookie) throw new Error(`sign-in failed with HTTP ${response.status}`);
  return setCookie.split(';')[0]!;
}

type AnySocket = VisitorSocket | AgentSocket;

/** Emits a command and resolves with its ack; fails loudly when no ack comes. */
export async function call(socket: AnySocket, event: string, input: unknown): Promise<Ack<any>> {
  const untyped = socket as unknown as Socket;
  return untyped.timeout(EVENT_TIMEOUT_MS).emitWithAck(event, input) as Promise<Ack<any>>;
}

/** Like `call`, but returns the data and throws on an error ack. */
export async function ok<T = any>(socket: AnySocket, event: string, input: unknown): Promise<T> {
  const ack = await call(socket, event, input);
  if (!ack.ok) throw new Error(`${event} failed: ${ack.error.code} ${ack.error.message}`);
  return ack.data as T;
}

/** Waits for the next `event` whose payload matches; fails after a timeout. */
export function next<T = any>(
  socket: AnySocket,
  event: string,
  match: (payload: T) => boolean = () => true,
): Promise<T> {
  const untyped = socket as unknown as Socket;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      untyped.off(event, listener);
      reject(new Error(`timed out waiting for "${event}"`));
    }, EVENT_TIMEOUT_MS);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      untyped.off(event, listener);
      resolve(payload);
    };
    untyped.on(event, listener);
  });
}

/** Collects every payload of `event` from now on. */
export function collect<T = any>(socket: AnySocket, event: string): T[] {
  const seen: T[] = [];
  (socket as unknown as Socket).on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** A clock tests move by hand: time-based rules run without waiting. */
export function manualClock(start = new Date('2026-03-02T09:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A fresh client id for idempotent commands. */
export function clientId(): string {
  return randomUUID();
}
