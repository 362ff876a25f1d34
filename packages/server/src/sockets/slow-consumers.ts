import type { Server, Socket } from 'socket.io';
import type { Logger } from '../logger.js';

/**
 * Most a client may have waiting to be sent to it, in bytes (packets Engine.IO holds plus what
 * `ws` holds), before it is cut off. Generous for a slow phone (a long transcript page is
 * ~1 MiB); a client that stopped reading hits it and later resyncs from its `lastSeq`, so
 * cutting it loses nothing [P15].
 */
export const MAX_CLIENT_BACKLOG_BYTES = 1024 * 1024;
/** Most packets waiting in Engine.IO's own buffer while the transport is still busy writing. */
export const MAX_CLIENT_BACKLOG_PACKETS = 2_000;
/** How often each node measures its clients' backlogs, in ms. */
export const BACKLOG_CHECK_INTERVAL_MS = 500;

/** The parts of Engine.IO's connection and the `ws` socket below it that tell the backlog. */
interface Backlogged {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

function packetBytes(packet: { data?: unknown }): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** What waits to be sent to one client: packets Engine.IO holds, and their bytes with those `ws` holds. */
export function backlogOf(socket: Socket): { packets: number; bytes: number } {
  const conn = socket.conn as unknown as Backlogged;
  const waiting = conn.writeBuffer ?? [];
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of waiting) bytes += packetBytes(packet);
  return { packets: waiting.length, bytes };
}

/**
 * Cuts off clients that cannot keep up, so a stuck client cannot grow the server's memory
 * without bound. Returns the disposer.
 */
export function guardSlowConsumers(
  io: Server,
  options: { logger: Logger; intervalMs?: number; maxBytes?: number; maxPackets?: number },
): () => void {
  const log = options.logger.child({ module: 'slow-consumers' });
  const maxBytes = options.maxBytes ?? MAX_CLIENT_BACKLOG_BYTES;
  const maxPackets = options.maxPackets ?? MAX_CLIENT_BACKLOG_PACKETS;
  const timer = setInterval(() => {
    for (const nsp of io._nsps.values()) {
      for (const socket of nsp.sockets.values()) {
        const backlog = backlogOf(socket);
        if (backlog.bytes <= maxBytes && backlog.packets <= maxPackets) continue;
        log.warn({ namespace: nsp.name, ...backlog }, 'client cannot keep up; disconnecting it');
        cutOff(socket);
      }
    }
  }, options.intervalMs ?? BACKLOG_CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Disconnects without waiting for the backlog to drain (it never would) and frees it now. */
function cutOff(socket: Socket): void {
  const conn = socket.conn as unknown as Backlogged;
  const ws = conn.transport?.socket;
  socket.disconnect(true);
  socket.conn.close(true);
  ws?.terminate?.();
}
