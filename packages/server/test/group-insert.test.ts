import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createGroupInsert } from '../src/db/group-insert.js';
import { startEmbeddedDb } from '../src/devdb/embedded-db.js';
import { isDuplicateKey } from '../src/errors.js';

/**
 * Group commit (db/group-insert.ts): inserts written together still settle one by one, as
 * `insertOne` would: stored, a document's own duplicate key, or the whole command's failure.
 */
interface Row {
  _id: string;
  conversationId: string;
  seq: number;
}

const clients: MongoClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

async function rowsIn(url: string) {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 1_000 });
  clients.push(client);
  const db = client.db(`t_${Math.random().toString(36).slice(2, 12)}`);
  const rows = db.collection<Row>('rows');
  await rows.createIndex({ conversationId: 1, seq: 1 }, { unique: true });
  return rows;
}

const settle = (work: Promise<void>) =>
  work.then(
    () => 'stored',
    (error: unknown) => (isDuplicateKey(error) ? 'duplicate' : 'failed'),
  );

describe('group insert', () => {
  it('writes what arrives together in one command and settles each document on its own', async () => {
    const rows = await rowsIn(inject('mongoUrl'));
    await rows.insertOne({ _id: 'a:1', conversationId: 'a', seq: 1 });
    const inserts = createGroupInsert(rows);
    const outcomes = await Promise.all(
      [
        { _id: 'a:2', conversationId: 'a', seq: 2 },
        { _id: 'a:1', conversationId: 'a', seq: 9 },
        { _id: 'a:x', conversationId: 'a', seq: 2 },
        { _id: 'b:1', conversationId: 'b', seq: 1 },
      ].map((row) => settle(inserts.insert(row))),
    );
    expect(outcomes).toEqual(['stored', 'duplicate', 'duplicate', 'stored']);
    expect((await rows.find({}).sort({ _id: 1 }).toArray()).map((row) => row._id)).toEqual([
      'a:1',
      'a:2',
      'b:1',
    ]);
  });

  it('fails every document of a command that failed as a whole, never reporting it stored', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hovor-group-insert-'));
    const db = await startEmbeddedDb({ dataDir, synchronous: 'normal' });
    try {
      const rows = await rowsIn(db.url);
      const inserts = createGroupInsert(rows);
      await inserts.insert({ _id: 'a:1', conversationId: 'a', seq: 1 });
      await db.stop();
      const outcomes = await Promise.all(
        [2, 3, 4].map((seq) => settle(inserts.insert({ _id: `a:${seq}`, conversationId: 'a', seq }))),
      );
      expect(outcomes).toEqual(['failed', 'failed', 'failed']);
    } finally {
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
