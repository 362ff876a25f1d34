import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '../src/db/connect.js';

/** The driver's internals this test reaches for: its server, monitor and monitoring connection. */
interface DriverServer {
  requestCheck(): void;
  monitor: { connection: { socket: Socket } | null };
}

let mongo: Awaited<ReturnType<typeof connectMongo>> | undefined;

beforeAll(async () => {
  mongo = await connectMongo(inject('mongoUrl'), `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
});

afterAll(async () => {
  await mongo?.close();
});

/** Resolves with the first of `events` the client emits, or 'none' after `ms`. */
function nextEvent(events: string[], ms: number): Promise<string> {
  const client = mongo!.db.client;
  return new Promise((resolve) => {
    const listeners = events.map((name) => {
      const listener = () => done(name);
      client.on(name as 'serverHeartbeatFailed', listener);
      return [name, listener] as const;
    });
    const timer = setTimeout(() => done('none'), ms);
    function done(name: string) {
      clearTimeout(timer);
      for (const [event, listener] of listeners) client.off(event as 'serverHeartbeatFailed', listener);
      resolve(name);
    }
  });
}

describe('the driver watching the database', () => {
  it('[P14] the database closes the monitoring connection just as the driver checks it: the check fails and the driver keeps watching', async () => {
    const client = mongo!.db.client;
    const server = [
      ...(
        client as unknown as { topology: { s: { servers: Map<string, DriverServer> } } }
      ).topology.s.servers.values(),
    ][0]!;
    // A check may start on request only 0.5 s after the last one ended.
    expect(await nextEvent(['serverHeartbeatSucceeded'], 5_000)).toBe('serverHeartbeatSucceeded');
    await new Promise((resolve) => setTimeout(resolve, 600));

    // What a database that stops does: it closes the connection; Node destroys the socket and
    // emits its 'close' only later. A check starting in between writes to the destroyed socket.
    const heartbeat = nextEvent(['serverHeartbeatFailed', 'serverHeartbeatSucceeded'], 3_000);
    server.monitor.connection!.socket.destroy();
    server.requestCheck();
    expect(await heartbeat).toBe('serverHeartbeatFailed');

    // The monitor goes on: it reconnects and the database answers again.
    expect(await nextEvent(['serverHeartbeatSucceeded'], 5_000)).toBe('serverHeartbeatSucceeded');
    expect(await mongo!.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });
});
