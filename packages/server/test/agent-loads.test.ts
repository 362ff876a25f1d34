import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collections } from '../src/db/collections.js';
import { ensureIndexes } from '../src/db/indexes.js';
import { createCapacityRepository, LOAD_TRUSTED_MS } from '../src/routing/capacity.repository.js';

/**
 * routing/SPEC.md [RT3]: the load a node ranks agents by is kept between reads (the slots of every
 * open chat are not read on every drain); its own claims and releases show at once, other nodes'
 * within LOAD_TRUSTED_MS, and the claims still decide.
 */
let client: MongoClient;
let c: ReturnType<typeof collections>;
beforeAll(async () => {
  client = await MongoClient.connect(inject('mongoUrl'));
  c = collections(client.db(`t_${randomUUID().replace(/-/g, '').slice(0, 16)}`));
  await ensureIndexes(c);
});
afterAll(async () => {
  await client?.db(c.agentSlots.dbName).dropDatabase();
  await client?.close();
});

function node() {
  let now = 0;
  const capacity = createCapacityRepository(c, () => now);
  return { capacity, advance: (ms: number) => (now += ms) };
}

const at = new Date('2026-12-02T10:00:00Z');

describe('agent loads kept per node', () => {
  it('[RT3] counts its own claims and releases at once, and another node’s within LOAD_TRUSTED_MS', async () => {
    const here = node();
    const there = node();
    const agent = `a-${randomUUID()}`;
    expect(await here.capacity.countByAgent([agent])).toEqual(new Map([[agent, 0]]));

    const mine = await here.capacity.claimSlot(agent, 3, 'c1', at, 0);
    expect(mine).toBe(`${agent}:0`);
    expect((await here.capacity.countByAgent([agent])).get(agent)).toBe(1);

    // Another node's claim: not seen while the read is trusted, seen after.
    expect(await there.capacity.claimSlot(agent, 3, 'c2', at, 0)).toBe(`${agent}:1`);
    expect((await here.capacity.countByAgent([agent])).get(agent)).toBe(1);
    here.advance(LOAD_TRUSTED_MS + 1);
    expect((await here.capacity.countByAgent([agent])).get(agent)).toBe(2);

    // The stale load only ranks: a claim at a slot it wrongly thinks free reads the slots and
    // takes the next free one, and a full agent stays full.
    expect(await there.capacity.claimSlot(agent, 3, 'c3', at, 2)).toBe(`${agent}:2`);
    expect(await here.capacity.claimSlot(agent, 3, 'c4', at, 2)).toBeNull();
    expect((await here.capacity.countByAgent([agent])).get(agent)).toBe(3);

    await here.capacity.releaseForConversation('c1');
    expect((await here.capacity.countByAgent([agent])).get(agent)).toBe(2);
    await here.capacity.releaseForAgent('c2', agent);
    expect((await here.capacity.countByAgent([agent])).get(agent)).toBe(1);
    await here.capacity.releaseSlot(`${agent}:2`);
    expect((await here.capacity.countByAgent([agent])).get(agent)).toBe(0);
  });

  it('[RT3] does not keep a read that began before its own release', async () => {
    // The database answers the read of loads only once the release is done (a slow answer).
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const slots = c.agentSlots;
    const find = (filter: Parameters<typeof slots.find>[0]) => {
      const cursor = slots.find(filter);
      if (typeof filter.agentId !== 'object') return cursor;
      const read = cursor.toArray();
      const held = { limit: () => held, toArray: async () => answered.then(() => read) };
      return held;
    };
    const slow = Object.create(slots, { find: { value: find } }) as typeof slots;
    const capacity = createCapacityRepository({ ...c, agentSlots: slow }, () => 0);
    const agent = `a-${randomUUID()}`;
    await slots.insertOne({ _id: `${agent}:0`, agentId: agent, conversationId: 'c1', createdAt: at });

    const reading = capacity.countByAgent([agent]);
    await capacity.releaseForConversation('c1');
    answer();
    // The read began before the release and saw the slot; that answer is not kept for later.
    expect((await reading).get(agent)).toBe(1);
    expect(await slots.countDocuments({ agentId: agent })).toBe(0);
    expect((await capacity.countByAgent([agent])).get(agent)).toBe(0);
  });
});
