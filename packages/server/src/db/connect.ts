import { type Db, MongoClient } from 'mongodb';

/**
 * How long the driver looks for the server before a command fails as UNAVAILABLE. Short,
 * because clients retry: a visitor should see "reconnecting…" rather than a frozen send.
 */
const SERVER_SELECTION_TIMEOUT_MS = 3_000;

/**
 * Connections to the embedded database. It runs every command on the same two cores as Hovor,
 * and SQLite serialises writers: past a handful of concurrent commands it only thrashes, and
 * under a burst latency grows past the clients' patience (measured: with the driver's default
 * of 100, 200 visitors sending at once stalled it; with 8 it kept ~100 messages/s).
 */
export const EMBEDDED_DB_POOL_SIZE = 8;

export async function connectMongo(
  url: string,
  dbName: string,
  options: { maxPoolSize?: number } = {},
): Promise<{ db: Db; close(): Promise<void> }> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    appName: 'hovor',
    ...(options.maxPoolSize ? { maxPoolSize: options.maxPoolSize } : {}),
  });
  await client.connect();
  return { db: client.db(dbName), close: () => client.close() };
}
