import { type Db, MongoClient } from 'mongodb';

/**
 * How long the driver looks for the server before a command fails as UNAVAILABLE. Short,
 * because clients retry: a visitor should see "reconnecting…" rather than a frozen send.
 */
const SERVER_SELECTION_TIMEOUT_MS = 3_000;

export async function connectMongo(url: string, dbName: string): Promise<{ db: Db; close(): Promise<void> }> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    appName: 'hovor',
  });
  await client.connect();
  return { db: client.db(dbName), close: () => client.close() };
}
