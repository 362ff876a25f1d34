import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerAckFilter, type FaultProxy, startFaultProxy } from './support/fault-proxy.js';

/** Long enough for a loaded CI machine, short enough that a missing event fails fast. */
const EVENT_TIMEOUT_MS = 5_000;
/** How long an ack may be missing before the test counts it lost (the link is a black hole). */
const LOST_ACK_TIMEOUT_MS = 300;
/** Several TCP reads (64 KiB each) and a 64-bit WebSocket payload length. */
const LARGE_MESSAGE_BYTES = 200 * 1024;
const VISITOR_NAMESPACE = '/visitor';

let httpServer: HttpServer;
let ioServer: Server;
let proxy: FaultProxy;
const clients: Socket[] = [];

async function startServer(): Promise<number> {
  httpServer = createServer((_request, response) => {
    response.setHeader('content-type', 'text/plain');
    response.end('plain http');
  });
  ioServer = new Server(httpServer, { maxHttpBufferSize: 4 * 1024 * 1024 });
  for (const namespace of [ioServer.of('/'), ioServer.of(VISITOR_NAMESPACE)]) {
    namespace.on('connection', (socket) => {
      socket.on('echo', (payload: unknown, ack: (reply: unknown) => void) => ack(payload));
      socket.on('notify', (payload: unknown) => socket.emit('notified', payload));
      // Sent after a batch of echoes: the server answers in order, so when the marker arrives
      // every ack the proxy let through has arrived before it.
      socket.on('flush', () => socket.emit('flushed'));
    });
  }
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return (httpServer.address() as AddressInfo).port;
}

beforeEach(async () => {
  const port = await startServer();
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port } });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await proxy.close();
  await new Promise<void>((resolve) => ioServer.close(() => resolve()));
});

function client(namespace = ''): Socket {
  const socket = io(`${proxy.url}${namespace}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  clients.push(socket);
  return socket;
}

/** Resolves with the event's first argument, or fails the test after EVENT_TIMEOUT_MS. */
function waitFor<T = unknown>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out waiting for "${event}"`));
    }, EVENT_TIMEOUT_MS);
    const listener = (payload: T) => {
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

async function connected(namespace = ''): Promise<Socket> {
  const socket = client(namespace);
  const failed = new Promise<never>((_resolve, reject) =>
    socket.once('connect_error', (error) => reject(error)),
  );
  await Promise.race([waitFor(socket, 'connect'), failed]);
  return socket;
}

/** Sends `count` echoes and reports, per echo, whether its ack came back. */
async function ackPattern(socket: Socket, count: number): Promise<boolean[]> {
  const received = Array.from({ length: count }, () => false);
  for (let i = 0; i < count; i++) {
    socket.emit('echo', i, () => {
      received[i] = true;
    });
  }
  const flushed = waitFor(socket, 'flushed');
  socket.emit('flush');
  await flushed;
  return received;
}

/** mulberry32: a tiny seeded generator, so a "random" drop pattern can be replayed exactly. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cycle(values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length]!;
}

describe('fault proxy: transparent forwarding', () => {
  it('passes events both ways and acks between a real client and server', async () => {
    const socket = await connected();
    const notified = waitFor(socket, 'notified');
    socket.emit('notify', { hello: 'world' });
    expect(await notified).toEqual({ hello: 'world' });
    expect(await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', 'ping')).toBe('ping');
    expect(proxy.connections).toBe(1);
  });

  it('passes plain HTTP requests that never upgrade untouched', async () => {
    const response = await fetch(`${proxy.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('plain http');
  });

  it('carries a 200 KB message split across TCP chunks intact in both directions', async () => {
    const socket = await connected();
    const large = `${'x'.repeat(LARGE_MESSAGE_BYTES - 10)}0123456789`;
    const reply = await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', large);
    expect(reply).toBe(large);
    // Small frames after the large one are still framed correctly.
    expect(await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', 'after')).toBe('after');
  });
});

describe('fault proxy: lost acks', () => {
  it('drops every server ack at fraction 1 while events still arrive', async () => {
    const socket = await connected(VISITOR_NAMESPACE);
    proxy.dropServerAcks(1);
    const notified = waitFor(socket, 'notified');
    socket.emit('notify', 'still here');
    expect(await ackPattern(socket, 5)).toEqual([false, false, false, false, false]);
    expect(await notified).toBe('still here');
    expect(proxy.droppedAcks).toBe(5);
    expect(socket.connected).toBe(true);
  });

  it('drops no ack at fraction 0', async () => {
    const socket = await connected(VISITOR_NAMESPACE);
    proxy.dropServerAcks(0, () => 0);
    expect(await ackPattern(socket, 5)).toEqual([true, true, true, true, true]);
    expect(proxy.droppedAcks).toBe(0);
  });

  it('drops exactly the acks a seeded random picks and nothing else', async () => {
    const socket = await connected(VISITOR_NAMESPACE);
    const ACK_COUNT = 100;
    const FRACTION = 0.3;
    proxy.dropServerAcks(FRACTION, seeded(42));
    const replay = seeded(42);
    const expected = Array.from({ length: ACK_COUNT }, () => replay() >= FRACTION);

    const received = await ackPattern(socket, ACK_COUNT);

    expect(received).toEqual(expected);
    const dropped = received.filter((isReceived) => !isReceived).length;
    expect(proxy.droppedAcks).toBe(dropped);
    expect(dropped).toBeGreaterThan(ACK_COUNT * FRACTION * 0.5);
    expect(dropped).toBeLessThan(ACK_COUNT * FRACTION * 1.5);
  });

  it('drops every other ack for an alternating random', async () => {
    const socket = await connected();
    proxy.dropServerAcks(0.5, cycle([0.1, 0.9]));
    expect(await ackPattern(socket, 6)).toEqual([false, true, false, true, false, true]);
  });

  it('removes only ack frames from a server stream split at every byte', () => {
    const stream = serverStream();
    const filter = createServerAckFilter(() => true);
    const out = Buffer.concat([...stream.bytes].flatMap((byte) => filter(Buffer.from([byte]))));
    expect(out.equals(stream.withoutAcks)).toBe(true);
  });

  it('removes only ack frames from a server stream split in two at any point', () => {
    const stream = serverStream({ withLargeFrame: false });
    for (let cut = 0; cut <= stream.bytes.length; cut++) {
      const filter = createServerAckFilter(() => true);
      const out = Buffer.concat([
        ...filter(stream.bytes.subarray(0, cut)),
        ...filter(stream.bytes.subarray(cut)),
      ]);
      expect(out.equals(stream.withoutAcks), `split at byte ${cut}`).toBe(true);
    }
  });

  it('passes the stream of a response that is not a WebSocket upgrade unchanged', () => {
    const { bytes } = serverStream({ status: 'HTTP/1.1 200 OK' });
    const filter = createServerAckFilter(() => true);
    expect(Buffer.concat(filter(bytes)).equals(bytes)).toBe(true);
  });
});

describe('fault proxy: broken connections', () => {
  it('disconnects every client when all connections are cut', async () => {
    const sockets = await Promise.all([connected(), connected(VISITOR_NAMESPACE)]);
    const disconnects = sockets.map((socket) => waitFor<string>(socket, 'disconnect'));

    expect(proxy.cutAll()).toBe(2);

    for (const reason of await Promise.all(disconnects)) {
      expect(['transport close', 'transport error']).toContain(reason);
    }
    expect(proxy.connections).toBe(0);
  });

  it('cuts the fraction of connections the random picks and leaves the others working', async () => {
    const sockets = await Promise.all(Array.from({ length: 4 }, () => connected()));
    const disconnected: Socket[] = [];
    for (const socket of sockets) socket.on('disconnect', () => disconnected.push(socket));

    expect(proxy.cutRandom(0.5, cycle([0.1, 0.9]))).toBe(2);

    await expect.poll(() => disconnected.length, { timeout: EVENT_TIMEOUT_MS }).toBe(2);
    const survivors = sockets.filter((socket) => !disconnected.includes(socket));
    for (const socket of survivors) {
      expect(await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', 'alive')).toBe('alive');
    }
    expect(proxy.connections).toBe(2);
  });

  it('makes acks time out on a half-open link while the socket stays connected, until healed', async () => {
    const socket = await connected();
    expect(proxy.halfOpen()).toBe(1);

    await expect(socket.timeout(LOST_ACK_TIMEOUT_MS).emitWithAck('echo', 'lost')).rejects.toThrow();
    expect(socket.connected).toBe(true);
    expect(ioServer.of('/').sockets.size).toBe(1);
    expect(proxy.connections).toBe(1);

    proxy.heal();
    expect(await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', 'back')).toBe('back');
  });

  it('black-holes new connections until healed', async () => {
    proxy.blackholeNew(true);
    const socket = client();
    const connectedLate = waitFor(socket, 'connect');
    // The proxy accepted the connection, but the handshake never reached the server.
    await expect.poll(() => proxy.connections, { timeout: EVENT_TIMEOUT_MS }).toBe(1);
    expect(ioServer.engine.clientsCount).toBe(0);
    expect(socket.connected).toBe(false);

    proxy.heal();
    await connectedLate;
    expect(await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', 'through')).toBe('through');
  });

  it('fails new connections with connect_error while refusing, and accepts them again after', async () => {
    proxy.refuse(true);
    const refused = client();
    const error = await waitFor<Error>(refused, 'connect_error');
    expect(error).toBeInstanceOf(Error);
    expect(refused.connected).toBe(false);

    proxy.refuse(false);
    const socket = await connected();
    expect(await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', 'ok')).toBe('ok');
  });
});

describe('fault proxy: latency and backpressure', () => {
  it('delays a round trip by at least the delay and keeps messages in order', async () => {
    const DELAY_MS = 100;
    const socket = await connected();
    proxy.setDelay(DELAY_MS);

    const started = performance.now();
    expect(await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', 'slow')).toBe('slow');
    // Each direction is delayed, so the round trip takes twice the delay.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * DELAY_MS);

    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', i)),
    );
    expect(replies).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('stops reading a side once its delay queue is full instead of buffering a whole large message', async () => {
    const MAX_QUEUED_BYTES = 64 * 1024;
    /** One TCP read may overshoot the limit before reading pauses. */
    const TCP_READ_BYTES = 64 * 1024;
    const MESSAGE_BYTES = 1024 * 1024;
    await proxy.close();
    proxy = await startFaultProxy({
      target: { host: '127.0.0.1', port: (httpServer.address() as AddressInfo).port },
      maxQueuedBytes: MAX_QUEUED_BYTES,
    });
    const socket = await connected();
    proxy.setDelay(20);

    const large = 'y'.repeat(MESSAGE_BYTES);
    expect(await socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('echo', large)).toBe(large);
    expect(proxy.peakQueuedBytes).toBeGreaterThan(0);
    expect(proxy.peakQueuedBytes).toBeLessThanOrEqual(MAX_QUEUED_BYTES + TCP_READ_BYTES);
  });
});

/** Builds a server→client byte stream: an HTTP head, then WebSocket frames of every kind. */
function serverStream(options: { status?: string; withLargeFrame?: boolean } = {}) {
  const kept: Buffer[] = [];
  const all: Buffer[] = [];
  const add = (frame: Buffer, isAck = false) => {
    all.push(frame);
    if (!isAck) kept.push(frame);
  };
  const head = Buffer.from(
    `${options.status ?? 'HTTP/1.1 101 Switching Protocols'}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
    'latin1',
  );
  add(head);
  add(frame(0x1, '0{"sid":"abc"}'));
  add(frame(0x1, '40{"sid":"def"}'));
  add(frame(0x1, '42["notified","x"]'));
  add(frame(0x1, '43[1]'), true);
  add(frame(0x1, `43/visitor,12["${'a'.repeat(300)}"]`), true); // 16-bit length
  add(frame(0x1, '4'));
  add(frame(0x1, '3'));
  add(frame(0x1, ''));
  add(frame(0x2, '43 but binary'));
  add(frame(0x9, 'ping'));
  add(frame(0x1, '43[2]', { isMasked: true }), true);
  // A fragmented ack with a ping between its fragments: the ping must survive.
  add(frame(0x1, '43[3,', { isFinal: false }), true);
  add(frame(0x9, ''));
  add(frame(0x0, '"end"]'), true);
  // A fragmented non-ack keeps its continuation.
  add(frame(0x1, '42["a",', { isFinal: false }));
  add(frame(0x0, '"b"]'));
  if (options.withLargeFrame !== false) {
    add(frame(0x1, `43[4,"${'b'.repeat(70_000)}"]`), true); // 64-bit length
    add(frame(0x1, `42["big","${'c'.repeat(70_000)}"]`));
  }
  add(frame(0x1, '42["last"]'));
  const bytes = Buffer.concat(all);
  const notUpgraded = options.status !== undefined && !options.status.includes(' 101 ');
  return { bytes, withoutAcks: notUpgraded ? bytes : Buffer.concat(kept) };
}

function frame(
  opcode: number,
  text: string,
  { isFinal = true, isMasked = false }: { isFinal?: boolean; isMasked?: boolean } = {},
): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const first = (isFinal ? 0x80 : 0) | opcode;
  const maskBit = isMasked ? 0x80 : 0;
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([first, maskBit | payload.length]);
  } else if (payload.length <= 0xffff) {
    header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8(maskBit | 126, 1);
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(first, 0);
    header.writeUInt8(maskBit | 127, 1);
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!isMasked) return Buffer.concat([header, payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = payload.map((byte, i) => byte ^ key[i % 4]!);
  return Buffer.concat([header, key, masked]);
}
