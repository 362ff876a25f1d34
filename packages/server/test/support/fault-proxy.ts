import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Clients only ever reach the proxy from this machine; nothing here is meant to face a network. */
const LOOPBACK_HOST = '127.0.0.1';
/**
 * Bytes one direction of one connection may hold (delayed or black-holed) before the proxy stops
 * reading that side; TCP flow control then pushes back on the sender as a slow link would.
 */
const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
/** Reading resumes below a quarter of the limit, so a busy link does not pause and resume per chunk. */
const RESUME_QUEUED_FRACTION = 0.25;
/** An HTTP response head larger than this is not a WebSocket handshake worth parsing. */
const MAX_HTTP_HEAD_BYTES = 16 * 1024;
/** 2 bytes of base header, 8 of extended length, 4 of mask key, and the 2 payload bytes that say "43". */
const MAX_FRAME_PREFIX_BYTES = 16;
/** Engine.IO message packet '4' carrying a Socket.IO ACK packet '3'. */
const ACK_PREFIX_FIRST_BYTE = 0x34;
const ACK_PREFIX_SECOND_BYTE = 0x33;
const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const HTTP_HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const SWITCHING_PROTOCOLS = /^HTTP\/1\.[01] 101 /;

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Where the proxy forwards each connection, usually the Hovor server under test. */
  target: { host: string; port: number };
  /**
   * Bytes one direction of one connection may hold while delayed or black-holed before the proxy
   * stops reading from that side (1 MiB by default).
   */
  maxQueuedBytes?: number;
}

/**
 * A loopback TCP proxy in front of a server that injects real network faults: latency, lost
 * Socket.IO acks, resets, black holes and refused connections. Every fault applies to real
 * sockets, so clients and server see what they would see on a bad network.
 */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: where clients connect instead of the server. */
  readonly url: string;
  readonly port: number;
  /** Live client↔server connection pairs. */
  readonly connections: number;
  /** Socket.IO acks dropped so far by {@link FaultProxy.dropServerAcks}. */
  readonly droppedAcks: number;
  /** The most bytes one direction of one connection has held at once, to check backpressure. */
  readonly peakQueuedBytes: number;
  /** Delays every chunk in both directions by `ms` from when it is read; order is kept. */
  setDelay(ms: number): void;
  /**
   * Drops `fraction` of the Socket.IO acks (WebSocket text frames starting with "43") that the
   * server sends on upgraded connections. `random` is called once per ack; the ack is dropped
   * when it returns less than `fraction`. Binary acks (type 6) and compressed frames pass.
   */
  dropServerAcks(fraction: number, random?: () => number): void;
  /** Resets (TCP RST) every current connection pair at once; returns how many were cut. */
  cutAll(): number;
  /** Resets each current connection pair when `random()` is less than `fraction`; returns the count. */
  cutRandom(fraction: number, random?: () => number): number;
  /**
   * Stops forwarding on every current connection in both directions while keeping both TCP
   * sockets open, as a routing black hole does; returns how many connections it holds.
   * Held data is kept, not discarded: {@link FaultProxy.heal} delivers it in order, as TCP
   * retransmission would once the route came back. Held sides stop being read, so the
   * kernel buffers fill and senders block instead of the proxy growing.
   */
  halfOpen(): number;
  /** While true, new connections are black-holed from their first byte (still open, nothing passes). */
  blackholeNew(isOn: boolean): void;
  /** Ends every black hole, delivers what was held and stops black-holing new connections. */
  heal(): void;
  /** While true, new connections are accepted and reset at once, as if the server were unreachable. */
  refuse(isOn: boolean): void;
  /** Stops listening and resets every connection. */
  close(): Promise<void>;
}

interface Chunk {
  data: Buffer;
  /** `performance.now()` time before which the chunk must not be written. */
  dueAt: number;
}

/** One direction of one connection pair: reads `source`, writes `destination`. */
interface Direction {
  source: Socket;
  destination: Socket;
  queue: Chunk[];
  queuedBytes: number;
  isHeld: boolean;
  isWaitingForDrain: boolean;
  hasEnded: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Only server→client has one: it removes dropped acks from the stream. */
  filter: ((chunk: Buffer) => Buffer[]) | undefined;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  toServer: Direction;
  toClient: Direction;
}

/**
 * Starts a fault-injecting TCP proxy on 127.0.0.1 (a free port) in front of `options.target`.
 * Only WebSocket connections are parsed for acks; plain HTTP passes through untouched.
 *
 * @example
 * const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: serverPort } });
 * const socket = io(proxy.url, { transports: ['websocket'], reconnection: false, forceNew: true });
 * proxy.dropServerAcks(1); // every ack from now on is lost
 * await expect(socket.timeout(500).emitWithAck('message:send', input)).rejects.toThrow();
 * proxy.cutAll(); // the socket sees 'disconnect'
 * await proxy.close();
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const resumeQueuedBytes = maxQueuedBytes * RESUME_QUEUED_FRACTION;
  const pairs = new Set<Pair>();
  let delayMs = 0;
  let ackDropFraction = 0;
  let ackRandom: () => number = Math.random;
  let droppedAcks = 0;
  let peakQueuedBytes = 0;
  let isRefusing = false;
  let isBlackholingNew = false;

  const shouldDropAck = (): boolean => {
    if (ackDropFraction <= 0 || ackRandom() >= ackDropFraction) return false;
    droppedAcks++;
    return true;
  };

  const updateReading = (direction: Direction): void => {
    if (direction.isHeld || direction.queuedBytes >= maxQueuedBytes) direction.source.pause();
    else if (direction.queuedBytes <= resumeQueuedBytes) direction.source.resume();
  };

  const flush = (direction: Direction): void => {
    if (direction.isHeld || direction.isWaitingForDrain || direction.destination.destroyed) return;
    clearTimeout(direction.timer);
    direction.timer = undefined;
    const now = performance.now();
    for (let head = direction.queue[0]; head; head = direction.queue[0]) {
      if (head.dueAt > now) {
        direction.timer = setTimeout(() => flush(direction), head.dueAt - now);
        break;
      }
      direction.queue.shift();
      direction.queuedBytes -= head.data.length;
      if (!direction.destination.write(head.data)) {
        direction.isWaitingForDrain = true;
        direction.destination.once('drain', () => {
          direction.isWaitingForDrain = false;
          flush(direction);
        });
        break;
      }
    }
    // A FIN travels behind the data it followed.
    const isDrained = direction.queue.length === 0 && !direction.isWaitingForDrain;
    if (direction.hasEnded && isDrained && !direction.destination.writableEnded) {
      direction.destination.end();
    }
    updateReading(direction);
  };

  const enqueue = (direction: Direction, chunk: Buffer): void => {
    const pieces = direction.filter ? direction.filter(chunk) : [chunk];
    const dueAt = performance.now() + delayMs;
    for (const data of pieces) {
      if (data.length === 0) continue;
      direction.queue.push({ data, dueAt });
      direction.queuedBytes += data.length;
    }
    peakQueuedBytes = Math.max(peakQueuedBytes, direction.queuedBytes);
    flush(direction);
  };

  const destroyPair = (pair: Pair): void => {
    pairs.delete(pair);
    for (const direction of [pair.toServer, pair.toClient]) {
      clearTimeout(direction.timer);
      direction.queue = [];
      direction.queuedBytes = 0;
    }
    reset(pair.client);
    reset(pair.upstream);
  };

  const createDirection = (
    source: Socket,
    destination: Socket,
    filter: Direction['filter'],
    isHeld: boolean,
  ): Direction => {
    const direction: Direction = {
      source,
      destination,
      queue: [],
      queuedBytes: 0,
      isHeld,
      isWaitingForDrain: false,
      hasEnded: false,
      timer: undefined,
      filter,
    };
    source.on('data', (chunk: Buffer) => enqueue(direction, chunk));
    source.on('end', () => {
      direction.hasEnded = true;
      flush(direction);
    });
    updateReading(direction);
    return direction;
  };

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    if (isRefusing) {
      client.on('error', ignore);
      reset(client);
      return;
    }
    const upstream = tcpConnect({
      host: options.target.host,
      port: options.target.port,
      allowHalfOpen: true,
    });
    const pair: Pair = {
      client,
      upstream,
      toServer: createDirection(client, upstream, undefined, isBlackholingNew),
      toClient: createDirection(upstream, client, createServerAckFilter(shouldDropAck), isBlackholingNew),
    };
    pairs.add(pair);
    for (const socket of [client, upstream]) {
      // Either side failing (reset, refused, broken pipe) ends the pair as a real reset would.
      socket.on('error', () => destroyPair(pair));
      socket.on('close', () => {
        if (client.destroyed && upstream.destroyed) pairs.delete(pair);
        // Closed without its FIN having been forwarded: the peer would wait forever.
        else if (!(socket === client ? pair.toServer : pair.toClient).hasEnded) destroyPair(pair);
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('The fault proxy is not listening on TCP; check that 127.0.0.1 is available.');
  }
  const port = address.port;

  const cutWhere = (shouldCut: () => boolean): number => {
    let cut = 0;
    for (const pair of [...pairs]) {
      if (!shouldCut()) continue;
      destroyPair(pair);
      cut++;
    }
    return cut;
  };

  return {
    url: `http://${LOOPBACK_HOST}:${port}`,
    port,
    get connections() {
      return pairs.size;
    },
    get droppedAcks() {
      return droppedAcks;
    },
    get peakQueuedBytes() {
      return peakQueuedBytes;
    },
    setDelay(ms) {
      if (!(ms >= 0)) throw new RangeError(`setDelay expects milliseconds >= 0, got ${ms}.`);
      delayMs = ms;
    },
    dropServerAcks(fraction, random = Math.random) {
      ackDropFraction = checkFraction('dropServerAcks', fraction);
      ackRandom = random;
    },
    cutAll() {
      return cutWhere(() => true);
    },
    cutRandom(fraction, random = Math.random) {
      const checked = checkFraction('cutRandom', fraction);
      return cutWhere(() => random() < checked);
    },
    halfOpen() {
      for (const pair of pairs) {
        for (const direction of [pair.toServer, pair.toClient]) {
          direction.isHeld = true;
          updateReading(direction);
        }
      }
      return pairs.size;
    },
    blackholeNew(isOn) {
      isBlackholingNew = isOn;
    },
    heal() {
      isBlackholingNew = false;
      for (const pair of pairs) {
        for (const direction of [pair.toServer, pair.toClient]) {
          direction.isHeld = false;
          flush(direction);
        }
      }
    },
    refuse(isOn) {
      isRefusing = isOn;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const pair of [...pairs]) destroyPair(pair);
      await closed;
    },
  };
}

/**
 * Returns a filter for the server→client byte stream of one connection that removes the
 * WebSocket frames `shouldDrop` picks among Socket.IO acks and passes every other byte in order.
 * It holds at most one frame header (and the two payload bytes that identify an ack), never a
 * payload, so large messages stream through. Exported for tests that split streams at every byte.
 */
export function createServerAckFilter(shouldDrop: () => boolean): (chunk: Buffer) => Buffer[] {
  let phase: 'http-head' | 'websocket' | 'passthrough' = 'http-head';
  let head = Buffer.alloc(0);
  const prefix = Buffer.alloc(MAX_FRAME_PREFIX_BYTES);
  let prefixLength = 0;
  /** Payload bytes of the current frame still to pass or skip. */
  let remainingPayload = 0;
  let isDroppingFrame = false;
  /** A dropped ack split into WebSocket fragments takes its continuation frames with it. */
  let isDroppingMessage = false;

  /** Base header, extended length and mask key of the current frame; needs its first 2 bytes. */
  const headerBytes = (): number => {
    const second = prefix[1]!;
    const lengthCode = second & 0x7f;
    return 2 + (lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0);
  };
  const payloadLength = (): number => {
    const lengthCode = prefix[1]! & 0x7f;
    if (lengthCode === 126) return prefix.readUInt16BE(2);
    if (lengthCode === 127) return Number(prefix.readBigUInt64BE(2));
    return lengthCode;
  };
  /** RSV1 marks a compressed frame, whose payload cannot be read here. */
  const isPlainText = (): boolean => (prefix[0]! & 0x0f) === OPCODE_TEXT && (prefix[0]! & 0x40) === 0;
  /** Bytes of `prefix` needed before the current frame can be judged. */
  const neededPrefixBytes = (): number => {
    if (prefixLength < 2) return 2;
    const header = headerBytes();
    if (prefixLength < header) return header;
    return isPlainText() ? header + Math.min(2, payloadLength()) : header;
  };

  const judgeFrame = (): boolean => {
    const opcode = prefix[0]! & 0x0f;
    const isFinal = (prefix[0]! & 0x80) !== 0;
    if (opcode === OPCODE_CONTINUATION) {
      const drop = isDroppingMessage;
      if (isFinal) isDroppingMessage = false;
      return drop;
    }
    // Control frames may sit between the fragments of a message and are never acks.
    if (opcode !== OPCODE_TEXT && opcode !== OPCODE_BINARY) return false;
    let drop = false;
    if (isPlainText() && payloadLength() >= 2) {
      const payloadStart = headerBytes();
      const isMasked = (prefix[1]! & 0x80) !== 0;
      const mask = (index: number): number => (isMasked ? prefix[payloadStart - 4 + index]! : 0);
      const isAck =
        (prefix[payloadStart]! ^ mask(0)) === ACK_PREFIX_FIRST_BYTE &&
        (prefix[payloadStart + 1]! ^ mask(1)) === ACK_PREFIX_SECOND_BYTE;
      drop = isAck && shouldDrop();
    }
    isDroppingMessage = drop && !isFinal;
    return drop;
  };

  const filterFrames = (chunk: Buffer, out: Buffer[]): void => {
    let offset = 0;
    while (offset < chunk.length) {
      if (remainingPayload > 0) {
        const take = Math.min(remainingPayload, chunk.length - offset);
        if (!isDroppingFrame) out.push(chunk.subarray(offset, offset + take));
        offset += take;
        remainingPayload -= take;
        continue;
      }
      let needed = neededPrefixBytes();
      while (prefixLength < needed && offset < chunk.length) {
        const take = Math.min(needed - prefixLength, chunk.length - offset);
        chunk.copy(prefix, prefixLength, offset, offset + take);
        prefixLength += take;
        offset += take;
        needed = neededPrefixBytes();
      }
      if (prefixLength < needed) return; // the rest of the header comes in a later chunk
      isDroppingFrame = judgeFrame();
      if (!isDroppingFrame) out.push(Buffer.from(prefix.subarray(0, prefixLength)));
      remainingPayload = payloadLength() - (prefixLength - headerBytes());
      prefixLength = 0;
    }
  };

  return (chunk) => {
    if (phase === 'passthrough') return [chunk];
    const out: Buffer[] = [];
    if (phase === 'websocket') {
      filterFrames(chunk, out);
      return out;
    }
    const scannedBefore = head.length;
    head = Buffer.concat([head, chunk]);
    const headEnd = head.indexOf(HTTP_HEAD_END);
    if (headEnd === -1) {
      if (head.length > MAX_HTTP_HEAD_BYTES) phase = 'passthrough';
      return [chunk];
    }
    const endInChunk = headEnd + HTTP_HEAD_END.length - scannedBefore;
    phase = SWITCHING_PROTOCOLS.test(head.toString('latin1', 0, headEnd)) ? 'websocket' : 'passthrough';
    head = Buffer.alloc(0);
    out.push(chunk.subarray(0, endInChunk));
    const rest = chunk.subarray(endInChunk);
    if (phase === 'passthrough') out.push(rest);
    else filterFrames(rest, out);
    return out;
  };
}

function checkFraction(method: string, fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`${method} expects a fraction between 0 and 1, got ${fraction}.`);
  }
  return fraction;
}

/** A reset (RST), not a polite FIN: that is what a dropped route or a crashed peer looks like. */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

function ignore(): void {}
