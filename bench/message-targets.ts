import { randomUUID } from 'node:crypto';
import {
  AGENT_NAMESPACE,
  type AgentClientToServerEvents,
  type AgentServerToClientEvents,
  VISITOR_NAMESPACE,
  type VisitorClientToServerEvents,
  type VisitorConversation,
  type VisitorServerToClientEvents,
} from '../packages/protocol/src/index.js';
import { type BenchChild, startBenchChild } from './child.js';
import { startHovorNodes } from './hovor-nodes.js';
import { type AgentSocket, inBatches, type VisitorSocket } from './seed.js';
import type { DatabaseService } from './services.js';
import { connectSocket } from './socket.js';

/**
 * The systems the messages bench loads, each as a server process with visitor/agent pairs
 * connected to it: Hovor (`hovor-node.ts`, with the bench's database) and the bare relay
 * (`relay.ts`).
 */

/** A visitor and the agent its messages go to. */
export interface Pair {
  index: number;
  visitor: VisitorSocket;
  agent: AgentSocket;
  conversationId: string;
}

/** A visitor message the database holds. */
export interface StoredMessage {
  conversationId: string;
  clientMsgId: string;
}

export interface Target {
  name: string;
  /** The server process, and the database process when the system has one. */
  serverPid: number;
  databasePid: number | null;
  pairs: Pair[];
  /** The visitor messages stored in the pairs' conversations; null for a system that stores none. */
  storedMessages: (() => Promise<StoredMessage[]>) | null;
  close(): Promise<void>;
}

/** Each agent takes exactly one chat, so each visitor has an agent of its own. */
const AGENT_CAPACITY = 1;
/** How long a visitor may wait for its conversation to be assigned during setup. */
const ASSIGN_TIMEOUT_MS = 30_000;

const socketOptions = { transports: ['websocket'], forceNew: true, reconnection: false };

/** Disconnects the sockets and stops the process, whatever failed before. */
async function closeAll(sockets: readonly { disconnect(): void }[], child: BenchChild): Promise<void> {
  for (const socket of sockets) socket.disconnect();
  await child.stop();
}

/** The relay in its own process, with `count` pairs that it pairs by `auth.pair`. */
export async function startRelayTarget(count: number): Promise<Target> {
  const child = await startBenchChild('relay.ts');
  const baseUrl = `http://127.0.0.1:${child.port}`;
  const sockets: { disconnect(): void }[] = [];
  try {
    const pairs = await inBatches(count, async (index) => {
      const auth = { pair: String(index) };
      const agent = await connectSocket<AgentServerToClientEvents, AgentClientToServerEvents>(
        `${baseUrl}${AGENT_NAMESPACE}`,
        { auth, ...socketOptions },
      );
      sockets.push(agent);
      const visitor = await connectSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>(
        `${baseUrl}${VISITOR_NAMESPACE}`,
        { auth, ...socketOptions },
      );
      sockets.push(visitor);
      // Shaped like Hovor's ids; the relay only echoes it.
      return { index, visitor, agent, conversationId: index.toString(16).padStart(24, '0') };
    });
    return {
      name: 'relay',
      serverPid: child.pid,
      databasePid: null,
      pairs,
      storedMessages: null,
      close: () => closeAll(sockets, child),
    };
  } catch (error) {
    await closeAll(sockets, child);
    throw error;
  }
}

/**
 * A Hovor node in its own process on `database` (a database of its own in it), with `count`
 * agents of capacity 1 online and `count` visitors who each started a chat that one of them got.
 */
export async function startHovorTarget(count: number, database: DatabaseService): Promise<Target> {
  const hovor = await startHovorNodes(database);
  try {
    const agents = new Map(
      (await hovor.seeder.onlineAgents(count, AGENT_CAPACITY)).map((agent) => [agent.id, agent.socket]),
    );
    const visitors = await hovor.seeder.visitors(count);
    const pairs = await inBatches(count, async (index) => {
      const visitor = visitors[index]!;
      const conversation = await startAssigned(visitor);
      const agent = agents.get(conversation.agent!.id);
      if (!agent) throw new Error(`conversation ${conversation.id} went to an agent the bench did not seed`);
      return { index, visitor, agent, conversationId: conversation.id };
    });
    const conversationIds = pairs.map((pair) => pair.conversationId);
    return {
      name: 'Hovor',
      serverPid: hovor.nodes[0]!.pid,
      databasePid: database.pid,
      pairs,
      storedMessages: () =>
        hovor.collections.messages
          .find(
            { conversationId: { $in: conversationIds }, kind: 'text', 'author.type': 'visitor' },
            { projection: { _id: 0, conversationId: 1, clientMsgId: 1 } },
          )
          .toArray(),
      close: hovor.close,
    };
  } catch (error) {
    await hovor.close();
    throw error;
  }
}

/** Starts the visitor's chat and resolves once it is assigned (by the ack or a later update). */
export function startAssigned(visitor: VisitorSocket): Promise<VisitorConversation> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error('a chat was not assigned during setup')),
      ASSIGN_TIMEOUT_MS,
    );
    const onUpdated = (conversation: VisitorConversation) => {
      if (conversation.state === 'assigned') finish(null, conversation);
    };
    function finish(error: Error | null, conversation?: VisitorConversation) {
      clearTimeout(timer);
      visitor.off('conversation:updated', onUpdated);
      if (conversation) resolve(conversation);
      else reject(error);
    }
    visitor.on('conversation:updated', onUpdated);
    visitor.emit('conversation:start', { requestId: randomUUID() }, (ack) => {
      if (!ack.ok) finish(new Error(`conversation:start failed: ${ack.error.code} ${ack.error.message}`));
      else if (ack.data.state === 'assigned') finish(null, ack.data);
    });
  });
}
