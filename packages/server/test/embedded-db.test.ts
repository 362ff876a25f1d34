import { randomUUID } from 'node:crypto';
import { type Collection, type Document, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collections } from '../src/db/collections.js';

/**
 * The embedded database (FerretDB with SQLite, patched in tools/devdb/overlay) answers equality
 * on a field from that field's index, and still answers exactly what MongoDB would: the
 * pushdown only narrows the rows read, the whole filter is applied to each of them.
 * Against MongoDB (MONGODB_URL) only the answers are checked.
 */
const isEmbedded = !process.env.MONGODB_URL;

interface Row {
  _id: string;
  conversationId: string | string[];
  seq: number;
  text?: string;
}

let client: MongoClient;
let rows: Collection<Row>;
beforeAll(async () => {
  client = await MongoClient.connect(inject('mongoUrl'));
  const db = client.db(`t_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
  rows = db.collection<Row>('rows');
  await rows.createIndex({ conversationId: 1, seq: 1 });
  const docs: Row[] = [];
  for (let c = 0; c < 50; c++) {
    for (let seq = 1; seq <= 20; seq++) docs.push({ _id: `c${c}:m${seq}`, conversationId: `c${c}`, seq });
  }
  docs.push({ _id: 'array', conversationId: ['c7', 'c8'], seq: 99 });
  docs.push({ _id: 'quote', conversationId: 'say "hi" <b>', seq: 1 });
  docs.push({ _id: 'unicode', conversationId: 'žluťoučký kůň', seq: 1 });
  await rows.insertMany(docs);
});
afterAll(async () => {
  await client?.db(rows.dbName).dropDatabase();
  await client?.close();
});

/** SQLite's plan for a find, as the embedded database explains it. */
async function planOf(filter: Document): Promise<string> {
  const explained = await rows.find(filter).explain();
  return JSON.stringify(explained.queryPlanner);
}

const idsOf = async (filter: Document) => (await rows.find(filter).toArray()).map((row) => row._id).sort();

describe('the embedded database', () => {
  it.runIf(isEmbedded)('reads a lookup by _id from the primary key', async () => {
    expect(await planOf({ _id: 'c3:m4' })).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /);
  });

  it.runIf(isEmbedded)(
    'reads an equality on an indexed field from that index, whatever else the filter has',
    async () => {
      expect(await planOf({ conversationId: 'c3' })).toMatch(/USING INDEX \S+_conversationId_1_seq_1/);
      expect(await planOf({ conversationId: 'c3', seq: { $gt: 5 } })).toMatch(
        /USING INDEX \S+_conversationId_1_seq_1/,
      );
      expect(await planOf({ conversationId: { $eq: 'c3' }, seq: 2 })).toMatch(/USING INDEX/);
    },
  );

  it.runIf(isEmbedded)('reads an $in of strings from the index, on _id and on a field', async () => {
    expect(await planOf({ _id: { $in: ['c3:m4', 'c9:m1'] } })).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /);
    expect(await planOf({ conversationId: { $in: ['c3', 'c9'] } })).toMatch(
      /USING INDEX \S+_conversationId_1_seq_1/,
    );
  });

  it('answers an $in exactly: arrays by element, other filters applied', async () => {
    expect(await idsOf({ _id: { $in: ['c3:m4', 'c9:m1', 'nothing'] } })).toEqual(['c3:m4', 'c9:m1']);
    expect(await idsOf({ conversationId: { $in: ['c8', 'quote'] }, seq: { $gte: 20 } })).toEqual([
      'array',
      'c8:m20',
    ]);
    expect(await idsOf({ conversationId: { $in: ['say "hi" <b>', 'žluťoučký kůň'] } })).toEqual([
      'quote',
      'unicode',
    ]);
    expect(await idsOf({ conversationId: { $in: ['c3', 7] }, seq: 1 })).toEqual(['c3:m1']);
  });

  it('answers an equality exactly: arrays by element, other filters applied, unusual strings too', async () => {
    expect(await idsOf({ _id: 'c3:m4' })).toEqual(['c3:m4']);
    expect(await idsOf({ conversationId: 'c3', seq: { $gt: 18 } })).toEqual(['c3:m19', 'c3:m20']);
    expect(await idsOf({ conversationId: 'c7', seq: { $gte: 20 } })).toEqual(['array', 'c7:m20']);
    expect(await idsOf({ conversationId: { $eq: 'c8' }, seq: 99 })).toEqual(['array']);
    expect(await idsOf({ conversationId: 'say "hi" <b>' })).toEqual(['quote']);
    expect(await idsOf({ conversationId: 'žluťoučký kůň' })).toEqual(['unicode']);
    expect(await idsOf({ conversationId: 'c3', seq: 'not a number' })).toEqual([]);
    expect(await rows.countDocuments({ conversationId: 'c49' })).toBe(20);
  });

  it('updates and deletes by _id and by an indexed field', async () => {
    await rows.updateOne({ _id: 'c4:m1' }, { $set: { text: 'edited' } });
    await rows.updateMany({ conversationId: 'c5' }, { $set: { text: 'all' } });
    expect((await rows.findOne({ _id: 'c4:m1' }))?.text).toBe('edited');
    expect(await rows.countDocuments({ text: 'all' })).toBe(20);
    await rows.deleteMany({ conversationId: 'c6' });
    await rows.deleteOne({ _id: 'c4:m2' });
    expect(await rows.countDocuments({ conversationId: { $in: ['c4', 'c6'] } })).toBe(19);
  });
});

describe('concurrent writers (committed together on the embedded database)', () => {
  it('keeps each writer’s outcome its own: a duplicate fails alone, every other write is stored', async () => {
    const db = client.db(rows.dbName);
    const claims = db.collection<{ _id: string; owner: number }>('claims');
    const notes = db.collection<{ _id: string; n: number }>('notes');
    await notes.insertOne({ _id: 'note-0', n: 0 });
    // 300 writes at once on a pool of 20 connections: 240 inserts of 64 claims (most of them
    // taken already), updates and deletes in between.
    const pool = await MongoClient.connect(inject('mongoUrl'), { maxPoolSize: 20 });
    try {
      const on = pool.db(rows.dbName);
      const outcomes = await Promise.all(
        Array.from({ length: 300 }, async (_, i) => {
          if (i % 10 === 9) {
            await on.collection('notes').updateOne({ _id: 'note-0' as never }, { $max: { n: i } });
            return 'updated';
          }
          if (i % 10 === 8) {
            await on.collection('notes').deleteOne({ _id: `gone-${i}` as never });
            return 'deleted';
          }
          try {
            await on.collection('claims').insertOne({ _id: `claim-${i % 80}` as never, owner: i });
            return `won ${i % 80}:${i}`;
          } catch (error) {
            return (error as { code?: number }).code === 11000 ? 'taken' : `failed ${String(error)}`;
          }
        }),
      );
      const won = outcomes.filter((outcome) => outcome.startsWith('won'));
      expect(outcomes.filter((outcome) => outcome.startsWith('failed'))).toEqual([]);
      const attempts = outcomes.filter((outcome) => outcome.startsWith('won') || outcome === 'taken');
      const claimIds = new Set(
        Array.from({ length: 300 }, (_, i) => i)
          .filter((i) => i % 10 < 8)
          .map((i) => i % 80),
      );
      // Exactly one writer won each claim, and what each winner was told is what is stored.
      expect(won).toHaveLength(claimIds.size);
      const stored = await claims.find({}).toArray();
      expect(stored.map((doc) => `won ${doc._id.slice('claim-'.length)}:${doc.owner}`).sort()).toEqual(
        [...won].sort(),
      );
      expect(attempts).toHaveLength(240);
      expect(outcomes.filter((outcome) => outcome === 'taken')).toHaveLength(240 - claimIds.size);
      expect((await notes.findOne({ _id: 'note-0' }))?.n).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });
});

describe('reads through Hovor’s collections', () => {
  it('answers a read of more than a first batch (101) whole, leaving no cursor open', async () => {
    const c = collections(client.db(rows.dbName));
    const docs = Array.from({ length: 250 }, (_, i) => ({ _id: `s${i}`, key: `key-${i}` }));
    await c.sites.insertMany(docs as never[]);
    const cursor = c.sites.find({});
    expect(await cursor.hasNext()).toBe(true);
    // The first batch holds everything and the server closed the cursor (id 0).
    expect(cursor.bufferedCount()).toBe(250);
    expect(cursor.id?.toString()).toBe('0');
    await cursor.close();
  });
});
