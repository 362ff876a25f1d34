import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { MongoNetworkError } from 'mongodb';

/** The part of the driver's internal `Connection` this fix touches. */
interface DriverConnection {
  id: number | string;
  address: string;
  socket: Socket;
}
type WriteCommand = (this: DriverConnection, ...args: unknown[]) => Promise<void>;

let isInstalled = false;

/**
 * Works around a hang in the MongoDB Node driver (6.22; 7.9 writes the same way). When the
 * database closes its connections (it stops or restarts), Node destroys each socket and emits its
 * `close` only later in the event loop. A command written in between gets `false` from `write()`
 * and waits for a `drain` that never comes, with neither an error nor a timeout. The driver starts
 * exactly such a command when one connection's `close` marks the server unknown: its monitor's
 * check, on a monitoring connection closed in the same instant. That check never ends, so the
 * monitor never checks again: after the database is back the server stays unknown, every command
 * fails server selection and `/readyz` answers 503 for good (test/faults/database-outage.test.ts
 * failed so about once in 20 runs on a busy machine; test/database-monitor.test.ts makes it
 * happen). Here a write fails once its socket closes, as a write to a closed connection should.
 */
export function failWritesOnClosedSockets(): void {
  if (isInstalled) return;
  const { Connection } = createRequire(import.meta.url)('mongodb/lib/cmap/connection.js') as {
    Connection?: { prototype: { writeCommand?: WriteCommand } };
  };
  const writeCommand = Connection?.prototype.writeCommand;
  if (typeof writeCommand !== 'function') {
    throw new Error(
      'mongodb driver internals changed: check whether failWritesOnClosedSockets is still needed',
    );
  }
  Connection!.prototype.writeCommand = async function (this: DriverConnection, ...args: unknown[]) {
    let onClose = (): void => undefined;
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(new MongoNetworkError(`connection ${this.id} to ${this.address} closed`));
    });
    if (this.socket.closed) onClose();
    else this.socket.once('close', onClose);
    try {
      return await Promise.race([writeCommand.apply(this, args), closed]);
    } finally {
      this.socket.off('close', onClose);
    }
  };
  isInstalled = true;
}
