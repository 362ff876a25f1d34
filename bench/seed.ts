import {
  type createAgentRepository,
  type createSiteRepository,
  hashPassword,
  type RoutingSettings,
  type Site,
} from '@hovor/server/testing';
import {
  type Ack,
  AGENT_NAMESPACE,
  type AgentClientToServerEvents,
  type AgentServerToClientEvents,
  PROTOCOL_VERSION,
  VISITOR_NAMESPACE,
  type VisitorClientToServerEvents,
  type VisitorServerToClientEvents,
} from '../packages/protocol/src/index.js';
import { type ClientSocket, connectSocket } from './socket.js';

/**
 * The people of a bench: one site, agents signed in and online, visitors connected, each made the
 * way a real one is (the REST API and the socket handshakes) on whichever node `baseUrl` names.
 */

export type VisitorSocket = ClientSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>;
export type AgentSocket = ClientSocket<AgentServerToClientEvents, AgentClientToServerEvents>;

/** The page origin the bench site allows. */
export const SHOP_ORIGIN = 'http://shop.test';
const AGENT_PASSWORD = 'correct horse battery staple';
/** How long a setup command may take before the bench gives up. */
const SETUP_TIMEOUT_MS = 15_000;
/** Sockets and sign-ins made at once during setup, so setup does not itself become a burst. */
const SETUP_BATCH_SIZE = 10;

/** Creates the bench site; `routing` overrides the site's routing defaults. */
export function createBenchSite(
  sites: ReturnType<typeof createSiteRepository>,
  routing: Partial<RoutingSettings> = {},
): Promise<Site> {
  return sites.create(
    {
      key: 'bench-site',
      name: 'Bench Shop',
      allowedOrigins: [SHOP_ORIGIN],
      color: '#123456',
      greeting: 'Hello',
      routing,
    },
    new Date(),
  );
}

/** An agent signed in and online, with the id the server gave them. */
export interface OnlineAgent {
  id: string;
  socket: AgentSocket;
}

export interface Seeder {
  /** Seeds agents with `capacity` each, signs them in on nodes round-robin and sets them online. */
  onlineAgents(count: number, capacity: number): Promise<OnlineAgent[]>;
  /** Creates visitors through the REST API of nodes round-robin and connects each to its node. */
  visitors(count: number): Promise<VisitorSocket[]>;
  /** Creates the `index`th visitor through its node's REST API (`POST /api/v1/visitors`): its token. */
  visitorToken(index: number): Promise<string>;
  /** Connects the `index`th visitor to its node with its token. */
  connectVisitor(index: number, token: string): Promise<VisitorSocket>;
}

export function createSeeder(options: {
  site: Site;
  agents: ReturnType<typeof createAgentRepository>;
  /** Makes this run's e-mail addresses unique in a shared database. */
  suffix: string;
  /** The HTTP address of the node the `index`th agent or visitor uses. */
  baseUrl: (index: number) => string;
  /** Called with every socket connected, so the caller can disconnect them at the end. */
  onSocket: (socket: { disconnect(): void }) => void;
}): Seeder {
  const { site, suffix, baseUrl } = options;

  async function connect<S extends { disconnect(): void }>(connecting: Promise<S>): Promise<S> {
    const socket = await connecting;
    options.onSocket(socket);
    return socket;
  }

  async function onlineAgent(index: number, capacity: number, passwordHash: string): Promise<OnlineAgent> {
    const email = `agent${index}-${suffix}@example.test`;
    await options.agents.create(
      { email, name: `Agent ${index}`, passwordHash, role: 'agent', siteIds: [site.id], capacity },
      new Date(),
    );
    const response = await fetch(`${baseUrl(index)}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: AGENT_PASSWORD }),
    });
    const setCookie = response.headers.get('set-cookie');
    if (response.status !== 200 || !setCookie) throw new Error(`sign-in failed with HTTP ${response.status}`);
    const socket = await connect(
      connectSocket<AgentServerToClientEvents, AgentClientToServerEvents>(
        `${baseUrl(index)}${AGENT_NAMESPACE}`,
        {
          auth: { v: PROTOCOL_VERSION },
          extraHeaders: { cookie: setCookie.split(';')[0]! },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        },
      ),
    );
    const ack = await socket.timeout(SETUP_TIMEOUT_MS).emitWithAck('status:set', { status: 'online' });
    if (!ack.ok) throw new Error(`status:set failed: ${ack.error.code} ${ack.error.message}`);
    return { id: ack.data.id, socket };
  }

  async function visitorToken(index: number): Promise<string> {
    const response = await fetch(`${baseUrl(index)}/api/v1/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: site.key, hostOrigin: SHOP_ORIGIN }),
    });
    const body = (await response.json()) as Ack<{ visitorId: string; token: string }>;
    if (!body.ok) throw new Error(`creating a visitor failed: ${body.error.code}`);
    return body.data.token;
  }

  function connectVisitor(index: number, token: string): Promise<VisitorSocket> {
    return connect(
      connectSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>(
        `${baseUrl(index)}${VISITOR_NAMESPACE}`,
        {
          auth: { v: PROTOCOL_VERSION, siteKey: site.key, token, hostOrigin: SHOP_ORIGIN },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        },
      ),
    );
  }

  return {
    async onlineAgents(count, capacity) {
      // One hash for every agent: hashing is not what a bench measures.
      const passwordHash = await hashPassword(AGENT_PASSWORD);
      return inBatches(count, (i) => onlineAgent(i, capacity, passwordHash));
    },
    visitors: (count) => inBatches(count, async (i) => connectVisitor(i, await visitorToken(i))),
    visitorToken,
    connectVisitor,
  };
}

/** Runs `make(0..count-1)` a few at a time. */
export async function inBatches<T>(
  count: number,
  make: (index: number) => Promise<T>,
  size = SETUP_BATCH_SIZE,
): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k));
    made.push(...(await Promise.all(batch)));
  }
  return made;
}

/**
 * Runs `make(0..count-1)` with at most `concurrency` at once, each starting as soon as one ends
 * (unlike `inBatches`, no batch waits for its slowest): for measuring a rate.
 */
export async function inPool<T>(
  count: number,
  concurrency: number,
  make: (index: number) => Promise<T>,
): Promise<T[]> {
  const made = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      made[index] = await make(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return made;
}
