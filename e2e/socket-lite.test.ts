import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type Ack,
  PROTOCOL_VERSION,
  type VisitorClientToServerEvents,
  type VisitorConversation,
  type VisitorServerToClientEvents,
} from '../packages/protocol/src/index.js';
import { type FaultProxy, startFaultProxy } from '../packages/server/test/support/fault-proxy.js';
import { type LiteSocket, liteSocket } from '../packages/widget/src/app/socket-lite.js';
import { type Stack, startStack } from './support/stack.js';

/**
 * The chat frame's own Socket.IO client (ADR 0010) against the real server, through a loopback
 * proxy that can cut the connection: what the browser tests rely on, one behaviour at a time.
 */
type Visitor = LiteSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>;

let stack: Stack;
let proxy: FaultProxy;
const opened: Visitor[] = [];
beforeAll(async () => {
  stack = await startStack();
  proxy = await startFaultProxy({
    target: { host: '127.0.0.1', port: Number(new URL(stack.hovorUrl).port) },
  });
});
afterAll(async () => {
  for (const socket of opened) socket.disconnect();
  await proxy?.close();
  await stack?.close();
});

async function visitorToken(): Promise<string> {
  const response = await fetch(`${stack.hovorUrl}/api/v1/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey: 'e2e-shop', hostOrigin: stack.demoUrl }),
  });
  return ((await response.json()) as { data: { token: string } }).data.token;
}

function visitor(token: string, through = proxy.url): Visitor {
  const socket = liteSocket<VisitorServerToClientEvents, VisitorClientToServerEvents>(`${through}/visitor`, {
    auth: { v: PROTOCOL_VERSION, siteKey: 'e2e-shop', token, hostOrigin: stack.demoUrl },
    // Node 20 has no WebSocket of its own; the browser's is the same API.
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  opened.push(socket);
  return socket;
}

const next = (socket: Visitor, event: 'connect' | 'disconnect' | 'connect_error') =>
  new Promise<unknown>((resolve) => socket.on(event, resolve as () => void));

describe('the chat frame’s Socket.IO client', () => {
  it('connects with its auth, sends what was emitted before, and gets acks and notifications', async () => {
    const socket = visitor(await visitorToken());
    // Emitted before the connection is up: sent once it is.
    const started = socket.timeout(5_000).emitWithAck('conversation:start', { requestId: randomUUID() });
    await next(socket, 'connect');
    expect(socket.connected).toBe(true);
    const ack = (await started) as Ack<VisitorConversation>;
    expect(ack).toMatchObject({ ok: true, data: { state: 'queued' } });

    const created = new Promise((resolve) => socket.on('message:created', resolve));
    const sent = await socket.timeout(5_000).emitWithAck('message:send', {
      conversationId: ack.ok ? ack.data.id : '',
      clientMsgId: randomUUID(),
      text: 'hello from the lite client',
    });
    expect(sent).toMatchObject({ ok: true, data: { text: 'hello from the lite client' } });
    // The notification of the namespace reached the listener.
    expect(await created).toMatchObject({ text: 'hello from the lite client' });
  });

  it('tells a refused handshake with the server’s code, and stops trying', async () => {
    const socket = visitor(randomBytes(32).toString('base64url'));
    const refusal = (await next(socket, 'connect_error')) as Error & { data?: { code?: string } };
    expect(refusal.data?.code).toBe('UNAUTHORIZED');
    expect(socket.active).toBe(false);
    expect(socket.connected).toBe(false);
  });

  it('fails a sent command when the connection is cut, then reconnects by itself', async () => {
    const socket = visitor(await visitorToken());
    await next(socket, 'connect');
    proxy.setDelay(300);
    const inFlight = socket.timeout(10_000).emitWithAck('availability:get', {});
    const disconnected = next(socket, 'disconnect');
    const reconnected = next(socket, 'connect');
    expect(proxy.cutAll()).toBeGreaterThan(0);
    await expect(inFlight).rejects.toThrow('socket has been disconnected');
    expect(await disconnected).toBe('transport close');
    proxy.setDelay(0);
    await reconnected;
    expect(socket.active).toBe(true);
    expect(await socket.timeout(5_000).emitWithAck('availability:get', {})).toMatchObject({ ok: true });
  });

  it('rejects a command whose ack does not come in time', async () => {
    const socket = visitor(await visitorToken());
    await next(socket, 'connect');
    proxy.dropServerAcks(1);
    try {
      await expect(socket.timeout(300).emitWithAck('availability:get', {})).rejects.toThrow(
        'operation has timed out',
      );
    } finally {
      proxy.dropServerAcks(0);
    }
    expect(socket.connected).toBe(true);
  });

  it('leaves for good when told to: the server sees it go, and it does not come back', async () => {
    const token = await visitorToken();
    const socket = visitor(token, stack.hovorUrl);
    await next(socket, 'connect');
    // This visitor's sockets on the server, whatever the earlier tests' sockets still do.
    const serverSockets = () =>
      [...stack.hovor.io.of('/visitor').sockets.values()].filter(
        (s) => (s.handshake.auth as { token?: string }).token === token,
      ).length;
    expect(serverSockets()).toBe(1);
    const disconnected = next(socket, 'disconnect');
    socket.disconnect();
    expect(await disconnected).toBe('io client disconnect');
    await expect.poll(serverSockets).toBe(0);
    expect(socket.active).toBe(false);
  });
});
