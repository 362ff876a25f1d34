/**
 * A bare Socket.IO relay: the floor Hovor's message throughput is compared with. It speaks the
 * part of Hovor's protocol the messages bench uses and does nothing else: a visitor's
 * `message:send` is acked at once with `{ ok: true, data: message }` and the message goes to the
 * paired agent socket as `message:created`. No authentication, no validation, no storage.
 * Visitor and agent are paired by `auth.pair` in their handshakes.
 *
 * Runs as its own process (started by `child.ts`): prints `listening <port>` on 127.0.0.1 and
 * answers `memory` and `sockets` like `hovor-node.ts`.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  type Ack,
  AGENT_NAMESPACE,
  type Message,
  type SendMessageInput,
  VISITOR_NAMESPACE,
} from '../packages/protocol/src/index.js';
import { announceListening, answerQuestions, type ChildSockets, exitWithParent, ownMemory } from './child.js';

/** The few parts of socket.io's server this relay uses (socket.io is the server package's dependency). */
interface RelaySocket {
  handshake: { auth: Record<string, unknown> };
  on(
    event: 'message:send',
    listener: (input: SendMessageInput, ack: (answer: Ack<Message>) => void) => void,
  ): void;
  on(event: 'disconnect', listener: () => void): void;
  emit(event: 'message:created', message: Message): void;
}
interface RelayServer {
  of(name: string): {
    on(event: 'connection', listener: (socket: RelaySocket) => void): void;
    sockets: { size: number };
  };
  close(callback?: () => void): void;
  engine: { clientsCount: number };
}
type ServerConstructor = new (
  httpServer: ReturnType<typeof createServer>,
  options: { transports: string[]; serveClient: boolean },
) => RelayServer;

const requireFromServer = createRequire(new URL('../packages/server/package.json', import.meta.url));
const { Server } = requireFromServer('socket.io') as { Server: ServerConstructor };

/** The pair a socket belongs to, from its handshake; sockets without one are disconnected. */
function pairOf(socket: RelaySocket): string | null {
  const pair = socket.handshake.auth.pair;
  return typeof pair === 'string' && pair.length > 0 ? pair : null;
}

function startRelay(): Promise<{ port: number; sockets(): ChildSockets; stop(): Promise<void> }> {
  const httpServer = createServer();
  const io = new Server(httpServer, { transports: ['websocket'], serveClient: false });
  const agents = new Map<string, RelaySocket>();
  /** A message's `seq`, per pair, as a conversation would number it. */
  const seqs = new Map<string, number>();

  io.of(AGENT_NAMESPACE).on('connection', (socket) => {
    const pair = pairOf(socket);
    if (pair === null) return;
    agents.set(pair, socket);
    socket.on('disconnect', () => {
      if (agents.get(pair) === socket) agents.delete(pair);
    });
  });

  io.of(VISITOR_NAMESPACE).on('connection', (socket) => {
    const pair = pairOf(socket);
    if (pair === null) return;
    socket.on('message:send', (input, ack) => {
      const seq = (seqs.get(pair) ?? 0) + 1;
      seqs.set(pair, seq);
      const message: Message = {
        id: `${input.conversationId}:${input.clientMsgId}`,
        conversationId: input.conversationId,
        seq,
        kind: 'text',
        author: { type: 'visitor', id: pair, name: null },
        text: input.text,
        event: null,
        attachment: null,
        clientMsgId: input.clientMsgId,
        createdAt: new Date().toISOString(),
      };
      ack({ ok: true, data: message });
      agents.get(pair)?.emit('message:created', message);
    });
  });

  return new Promise((resolve) => {
    httpServer.listen(0, '127.0.0.1', () => {
      resolve({
        port: (httpServer.address() as AddressInfo).port,
        sockets: () => ({
          visitors: io.of(VISITOR_NAMESPACE).sockets.size,
          agents: io.of(AGENT_NAMESPACE).sockets.size,
          connections: io.engine.clientsCount,
        }),
        stop: () => new Promise<void>((done) => io.close(() => done())),
      });
    });
  });
}

const relay = await startRelay();
let isStopping = false;
const stop = async () => {
  if (isStopping) return;
  isStopping = true;
  await relay.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
exitWithParent(stop);
answerQuestions({ memory: ownMemory, sockets: relay.sockets });
announceListening(relay.port);
