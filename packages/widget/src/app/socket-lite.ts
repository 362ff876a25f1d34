/**
 * The part of a Socket.IO v4 client the chat frame uses, over WebSocket alone (ADR 0010): one
 * namespace with `auth`, events from the server, commands with an ack and a timeout, the
 * handshake's refusal as `connect_error` with its `data`, and reconnection with backoff. It
 * behaves as `socket.io-client` does in each of these (the server, the console and every test
 * use the real client) at a tenth of its weight. Not handled, as Hovor never uses them: other
 * namespaces, binary packets, HTTP long-polling, acks the server asks of the client.
 */

/** Listeners by event name; `never[]` parameters admit every listener signature. */
type EventsMap = Record<string, (...args: never[]) => void>;

interface ReservedEvents {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (error: Error & { data?: unknown }) => void;
}

/** The answer an ack callback of `Emit[E]` receives. */
type AckOf<F> = F extends (input: never, ack: (answer: infer A) => void) => void ? A : never;
type InputOf<F> = F extends (input: infer I, ack: never) => void ? I : never;

export interface LiteSocket<Listen extends EventsMap, Emit extends EventsMap> {
  /** Sent with every handshake; may be replaced before the next one. */
  auth: object;
  readonly connected: boolean;
  /** Connecting, connected or reconnecting: false once refused, disconnected by either side. */
  readonly active: boolean;
  on<E extends keyof (Listen & ReservedEvents) & string>(
    event: E,
    listener: (Listen & ReservedEvents)[E],
  ): void;
  once(event: 'connect', listener: () => void): void;
  /** (Re)opens the connection, unless it is open or opening. */
  connect(): void;
  disconnect(): void;
  /**
   * Emits while connected, or once connected (buffered until then); rejects when the ack has
   * not come within `ms`, or when the connection goes after the command was sent.
   */
  timeout(ms: number): {
    emitWithAck<E extends keyof Emit & string>(event: E, input: InputOf<Emit[E]>): Promise<AckOf<Emit[E]>>;
  };
}

/** The engine's and Socket.IO's packet types, as the first characters of a frame. */
const OPEN = '0';
const CLOSE = '1';
const PING = '2';
const PONG = '3';
const MESSAGE = '4';
const CONNECT = '0';
const DISCONNECT = '1';
const EVENT = '2';
const ACK = '3';
const CONNECT_ERROR = '4';

/** Reconnection waits 1 s, doubling to at most 5 s, each ±50 %: Socket.IO's defaults. */
const reconnectDelayMs = (attempt: number) => Math.min(5_000, 1_000 * 2 ** attempt) * (0.5 + Math.random());

/** Connects to `url` (an origin and a namespace, e.g. `https://chat.example/visitor`). */
export function liteSocket<Listen extends EventsMap, Emit extends EventsMap>(
  url: string,
  options: { auth: object; WebSocket?: typeof WebSocket },
): LiteSocket<Listen, Emit> {
  const { origin, pathname: nsp } = new URL(url);
  const WS = options.WebSocket ?? WebSocket;
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  /** Answers awaited, by ack id; `sent` once the packet went out on a connection. */
  const acks = new Map<number, { settle: (error: Error | null, answer?: unknown) => void; sent: boolean }>();
  /** Packets emitted while not connected, sent once connected. */
  let buffer: Array<{ id: number; packet: string }> = [];
  let nextAckId = 0;
  let ws: WebSocket | null = null;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  let pingWindowMs = 45_000;

  const fire = (event: string, ...args: unknown[]) => {
    for (const listener of [...(listeners.get(event) ?? [])]) listener(...args);
  };
  const send = (frame: string) => ws?.send(frame);
  const listen = (event: string, listener: (...args: unknown[]) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
  };

  function open(): void {
    clearTimeout(reconnectTimer);
    const socket = new WS(`${origin.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    ws = socket;
    socket.onmessage = (event) => onFrame(String(event.data));
    socket.onclose = () => {
      if (ws === socket) lost('transport close');
    };
  }

  /** The server pings every `pingInterval`; silence for longer than that plus `pingTimeout` is a dead link. */
  function expectPing(): void {
    clearTimeout(heartbeat);
    heartbeat = setTimeout(() => lost('ping timeout'), pingWindowMs);
  }

  function onFrame(frame: string): void {
    const type = frame[0];
    if (type === OPEN) {
      const handshake = JSON.parse(frame.slice(1)) as { pingInterval: number; pingTimeout: number };
      pingWindowMs = handshake.pingInterval + handshake.pingTimeout;
      expectPing();
      send(`${MESSAGE}${CONNECT}${nsp},${JSON.stringify(lite.auth)}`);
    } else if (type === PING) {
      expectPing();
      send(PONG);
    } else if (type === CLOSE) {
      lost('transport close');
    } else if (type === MESSAGE) {
      onPacket(frame.slice(1));
    }
  }

  function onPacket(packet: string): void {
    const prefix = `${nsp},`;
    if (!packet.startsWith(prefix, 1)) return;
    const type = packet[0];
    const body = packet.slice(1 + prefix.length);
    if (type === CONNECT) {
      state.connected = true;
      attempts = 0;
      const waiting = buffer;
      buffer = [];
      for (const { id, packet: buffered } of waiting) {
        const ack = acks.get(id);
        if (ack) ack.sent = true;
        send(buffered);
      }
      fire('connect');
    } else if (type === CONNECT_ERROR) {
      const refusal = JSON.parse(body) as { message: string; data?: unknown };
      state.active = false;
      close();
      fire('connect_error', Object.assign(new Error(refusal.message), { data: refusal.data }));
    } else if (type === DISCONNECT) {
      state.active = false;
      lost('io server disconnect');
    } else if (type === EVENT || type === ACK) {
      const start = body.indexOf('[');
      const args = JSON.parse(body.slice(start)) as unknown[];
      if (type === EVENT) {
        fire(String(args[0]), ...args.slice(1));
      } else {
        const id = Number(body.slice(0, start));
        const ack = acks.get(id);
        acks.delete(id);
        ack?.settle(null, args[0]);
      }
    }
  }

  function close(): void {
    clearTimeout(heartbeat);
    const socket = ws;
    ws = null;
    if (socket) {
      socket.onmessage = socket.onclose = null;
      socket.close();
    }
  }

  /** The connection is gone: fail what was sent, tell, and reconnect unless told not to. */
  function lost(reason: string): void {
    close();
    const wasConnected = state.connected;
    state.connected = false;
    for (const [id, ack] of acks) {
      if (!ack.sent) continue;
      acks.delete(id);
      ack.settle(new Error('socket has been disconnected'));
    }
    if (wasConnected) fire('disconnect', reason);
    else if (state.active) fire('connect_error', new Error(`could not connect (${reason})`));
    if (state.active) reconnectTimer = setTimeout(open, reconnectDelayMs(attempts++));
  }

  const state = { connected: false, active: false };
  const lite: LiteSocket<Listen, Emit> = {
    auth: options.auth,
    get connected() {
      return state.connected;
    },
    get active() {
      return state.active;
    },
    on(event, listener) {
      listen(event, listener as (...args: unknown[]) => void);
    },
    once(event, listener) {
      const once = () => {
        listeners.get(event)?.delete(once);
        listener();
      };
      listen(event, once);
    },
    connect() {
      if (state.active) return;
      state.active = true;
      attempts = 0;
      open();
    },
    disconnect() {
      const wasActive = state.active;
      state.active = false;
      clearTimeout(reconnectTimer);
      if (state.connected) send(`${MESSAGE}${DISCONNECT}${nsp},`);
      if (wasActive || state.connected) lost('io client disconnect');
    },
    timeout(ms) {
      return {
        emitWithAck(event, input) {
          return new Promise((resolve, reject) => {
            const id = nextAckId++;
            const packet = `${MESSAGE}${EVENT}${nsp},${id}${JSON.stringify([event, input])}`;
            const timer = setTimeout(() => {
              acks.delete(id);
              buffer = buffer.filter((waiting) => waiting.id !== id);
              reject(new Error('operation has timed out'));
            }, ms);
            acks.set(id, {
              sent: state.connected,
              settle: (error, answer) => {
                clearTimeout(timer);
                if (error) reject(error);
                else resolve(answer as AckOf<Emit[typeof event]>);
              },
            });
            if (state.connected) send(packet);
            else buffer.push({ id, packet });
          });
        },
      };
    },
  };
  lite.connect();
  return lite;
}
