import type { Server, Socket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { BACKLOG_CHECK_INTERVAL_MS, guardSlowConsumers } from './slow-consumers.js';

/** A socket as the guard sees it: Engine.IO's packet buffer and the `ws` byte buffer below it. */
function fakeSocket(backlog: { packets: number; bytes: number; packetBytes?: number }) {
  const cut = { disconnected: false, discarded: false, terminated: false };
  const conn = {
    writeBuffer: Array.from({ length: backlog.packets }, () => ({
      type: 'message',
      data: 'x'.repeat(backlog.packetBytes ?? 0),
    })),
    transport: { socket: { bufferedAmount: backlog.bytes, terminate: () => (cut.terminated = true) } },
    close: (discard: boolean) => (cut.discarded = discard),
  };
  const socket = { conn, disconnect: () => (cut.disconnected = true) } as unknown as Socket;
  return { socket, cut };
}

function fakeIo(sockets: Socket[]): Server {
  const nsp = { name: '/visitor', sockets: new Map(sockets.map((s, i) => [String(i), s])) };
  return { _nsps: new Map([['/visitor', nsp]]) } as unknown as Server;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('clients that cannot keep up', () => {
  it('[P15] cuts off a client with too many bytes or packets waiting, at once and for good, and leaves the others', () => {
    const slowBytes = fakeSocket({ packets: 0, bytes: 2 * 1024 * 1024 });
    const slowPackets = fakeSocket({ packets: 5_000, bytes: 0 });
    // 300 long messages held by Engine.IO: few packets, but over a MiB.
    const slowHeldBytes = fakeSocket({ packets: 300, bytes: 0, packetBytes: 4_000 });
    const fine = fakeSocket({ packets: 10, bytes: 64 * 1024, packetBytes: 4_000 });
    const stop = guardSlowConsumers(
      fakeIo([slowBytes.socket, slowPackets.socket, slowHeldBytes.socket, fine.socket]),
      { logger: createLogger('silent') },
    );
    vi.advanceTimersByTime(BACKLOG_CHECK_INTERVAL_MS);
    for (const slow of [slowBytes, slowPackets, slowHeldBytes]) {
      // Not a graceful close, which would wait for the backlog to drain: it never would.
      expect(slow.cut).toEqual({ disconnected: true, discarded: true, terminated: true });
    }
    expect(fine.cut).toEqual({ disconnected: false, discarded: false, terminated: false });
    stop();
  });
});
