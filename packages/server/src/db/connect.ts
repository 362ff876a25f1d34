import { type Db, MongoClient } from 'mongodb';
import { failWritesOnClosedSockets } from './closed-socket-writes.js';

/** The driver's types a caller of `connectMongo` watching its commands needs (the bench's command statistics). */
export type { CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';

/**
 * How long the driver looks for the server before a command fails as UNAVAILABLE. Short,
 * because clients retry: a visitor should see "reconnecting…" rather than a frozen send.
 */
const SERVER_SELECTION_TIMEOUT_MS = 3_000;

/**
 * How soon the driver notices connections that died silently (a lost route, a dropped firewall
 * state: no reset ever arrives) and replaces them. Until then every command and readiness ping
 * waits behind commands stuck on dead connections. The driver's monitor checks the server every
 * `heartbeatFrequencyMS` and gives up on an unanswered check after `connectTimeoutMS`, then
 * clears the pool and interrupts the stuck commands. Its defaults (10 s + 30 s) kept the node
 * not ready for ~35 s after a 3 s blip (test/faults/database-stale-connections.test.ts); these keep
 * it to a few seconds. 5 s is still far above a connection's handshake on a busy machine (< 1 s).
 */
const HEARTBEAT_FREQUENCY_MS = 2_000;
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * A command with no answer for this long fails, and its connection is closed and replaced: a
 * stuck connection (a database blocked on itself, a half-open socket the monitor has not caught)
 * never holds a pool slot for ever. Far above any command Hovor sends (bounded reads, single
 * writes), and above the clients' command deadline, so it only ends what nobody waits for.
 */
const SOCKET_TIMEOUT_MS = 20_000;
/** Longest a command waits for a free pooled connection before it fails as retryable. */
const WAIT_QUEUE_TIMEOUT_MS = 5_000;

/**
 * Connections to the embedded database. It runs every command on the same two cores as Hovor,
 * and SQLite admits one writer at a time. Before its writers waited in Go and committed in groups
 * (ADR 0021), past a handful of concurrent commands it only thrashed (with the driver's default
 * of 100, 200 visitors sending at once stalled it), so the pool was 8; now more commands in
 * flight make bigger commit groups and overlap reads with the writer: with 16, one node assigns
 * 180–195 of 200 chat starts a second instead of 162, and 100 starts/s at p99 ~105 ms instead of
 * ~160 (32 was no better); message throughput is the same.
 */
export const EMBEDDED_DB_POOL_SIZE = 16;

export async function connectMongo(
  url: string,
  dbName: string,
  options: { maxPoolSize?: number; monitorCommands?: boolean } = {},
): Promise<{ db: Db; client: MongoClient; close(): Promise<void> }> {
  failWritesOnClosedSockets();
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    heartbeatFrequencyMS: HEARTBEAT_FREQUENCY_MS,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    socketTimeoutMS: SOCKET_TIMEOUT_MS,
    waitQueueTimeoutMS: WAIT_QUEUE_TIMEOUT_MS,
    appName: 'hovor',
    ...(options.maxPoolSize ? { maxPoolSize: options.maxPoolSize } : {}),
    ...(options.monitorCommands ? { monitorCommands: true } : {}),
  });
  await client.connect();
  return { db: client.db(dbName), client, close: () => client.close() };
}
