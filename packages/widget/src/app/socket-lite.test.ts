import type { VisitorClientToServerEvents, VisitorServerToClientEvents } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liteSocket } from './socket-lite.js';

/** A WebSocket the test plays the server of: it sees what the client sends and feeds it frames. */
class FakeWebSocket {
  static opened: FakeWebSocket[] = [];
  sent: string[] = [];
  isClosed = false;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.opened.push(this);
  }
  send(frame: string) {
    this.sent.push(frame);
  }
  close() {
    this.isClosed = true;
  }
  /** A frame from the server. */
  receive(frame: string) {
    this.onmessage?.({ data: frame });
  }
  /** The server's Engine.IO handshake, then its Socket.IO connect. */
  accept(pingInterval = 1_000, pingTimeout = 500) {
    this.receive(
      `0${JSON.stringify({ sid: 'e', upgrades: [], pingInterval, pingTimeout, maxPayload: 1e6 })}`,
    );
    this.receive('40/visitor,{"sid":"s"}');
  }
}

const latest = () => FakeWebSocket.opened.at(-1)!;

function connect() {
  const socket = liteSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>(
    'https://chat.example/visitor',
    {
      auth: { token: 't' },
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
    },
  );
  const events: string[] = [];
  socket.on('connect', () => events.push('connect'));
  socket.on('disconnect', (reason) => events.push(`disconnect: ${reason}`));
  socket.on('connect_error', (error) => events.push(`connect_error: ${error.message}`));
  return { socket, events };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.opened = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the chat frame’s Socket.IO client', () => {
  it('speaks Engine.IO v4 over WebSocket: handshake with auth, pong for every ping', () => {
    const { socket, events } = connect();
    expect(latest().url).toBe('wss://chat.example/socket.io/?EIO=4&transport=websocket');
    latest().accept();
    expect(latest().sent).toEqual(['40/visitor,{"token":"t"}']);
    expect(events).toEqual(['connect']);
    latest().receive('2');
    expect(latest().sent.at(-1)).toBe('3');
    expect(socket.connected).toBe(true);
  });

  it('takes a link that stays silent past ping interval + timeout for dead, and reconnects', () => {
    const { socket, events } = connect();
    latest().accept(1_000, 500);
    vi.advanceTimersByTime(1_400);
    latest().receive('2'); // a ping keeps it alive
    vi.advanceTimersByTime(1_499);
    expect(socket.connected).toBe(true);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['connect', 'disconnect: ping timeout']);
    expect(latest().isClosed).toBe(true);
    // Socket.IO's first reconnection waits 0.5–1.5 s.
    vi.advanceTimersByTime(1_500);
    expect(FakeWebSocket.opened).toHaveLength(2);
    latest().accept();
    expect(events.at(-1)).toBe('connect');
  });

  it('backs off while the server cannot be reached, and tells each failed attempt', () => {
    const { socket, events } = connect();
    for (let i = 0; i < 4; i++) {
      latest().onclose?.();
      // 1 s, 2 s, 4 s, then at most 5 s, each ±50 %.
      vi.advanceTimersByTime(Math.min(5_000, 1_000 * 2 ** i) * 1.5);
    }
    expect(FakeWebSocket.opened).toHaveLength(5);
    expect(events.filter((e) => e.startsWith('connect_error'))).toHaveLength(4);
    expect(socket.active).toBe(true);
  });

  it('stays away when the server disconnects it, and acks sent before fail at once', async () => {
    const { socket, events } = connect();
    latest().accept();
    const pending = socket.timeout(10_000).emitWithAck('availability:get', {});
    expect(latest().sent.at(-1)).toBe('42/visitor,0["availability:get",{}]');
    latest().receive('41/visitor,');
    await expect(pending).rejects.toThrow('socket has been disconnected');
    expect(events).toEqual(['connect', 'disconnect: io server disconnect']);
    expect(socket.active).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.opened).toHaveLength(1);
  });

  it('matches acks to their command by id, and ignores other namespaces', async () => {
    const { socket } = connect();
    latest().accept();
    const first = socket.timeout(1_000).emitWithAck('availability:get', {});
    const second = socket.timeout(1_000).emitWithAck('availability:get', { departmentId: 'x' });
    latest().receive('43/visitor,1[{"ok":true,"data":"second"}]');
    latest().receive('43/other,0[{"ok":true,"data":"not ours"}]');
    latest().receive('43/visitor,0[{"ok":true,"data":"first"}]');
    await expect(first).resolves.toEqual({ ok: true, data: 'first' });
    await expect(second).resolves.toEqual({ ok: true, data: 'second' });
  });
});
