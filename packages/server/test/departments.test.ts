import type { QueuePosition, VisitorConversation } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Department } from '../src/sites/department.repository.js';
import { call, clientId, type Harness, ok, startHarness } from './support/harness.js';

let h: Harness;
let sales: Department;
let support: Department;

beforeEach(async () => {
  h = await startHarness();
  const departments = h.hovor.repositories.departments;
  support = await departments.create(
    { siteId: h.site.id, name: 'Support', strategy: null, fallbackDepartmentId: null },
    new Date(),
  );
  sales = await departments.create(
    { siteId: h.site.id, name: 'Sales', strategy: null, fallbackDepartmentId: support.id },
    new Date(),
  );
});
afterEach(async () => {
  await h.close();
});

const onlineAgent = (name: string, departmentIds: string[], capacity?: number) =>
  h.onlineAgent(name, { departmentIds, ...(capacity === undefined ? {} : { capacity }) });

async function startChat(departmentId?: string) {
  const visitor = await h.visitor();
  const positions: QueuePosition[] = [];
  visitor.socket.on('queue:position', (p) => positions.push(p));
  const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
    requestId: clientId(),
    ...(departmentId ? { departmentId } : {}),
  });
  return { ...visitor, conversation, positions };
}

describe('departments', () => {
  it('[RT15] gives a department’s chat only to its agents, even when others are less busy', async () => {
    const seller = await onlineAgent('Seller', [sales.id]);
    await onlineAgent('Helper', [support.id]);
    await startChat(sales.id);
    const second = await startChat(sales.id);
    expect(second.conversation.agent?.id).toBe(seller.id);
  });

  it('[RT15] sends a chat to the fallback department when nobody in the department is eligible', async () => {
    const helper = await onlineAgent('Helper', [support.id]);
    const chat = await startChat(sales.id);
    expect(chat.conversation.agent?.id).toBe(helper.id);
    expect((await h.c.conversations.findOne({ _id: chat.conversation.id }))!.departmentId).toBe(sales.id);
  });

  it('[RT15] lets any agent of the site answer the general queue', async () => {
    const seller = await onlineAgent('Seller', [sales.id]);
    const chat = await startChat();
    expect(chat.conversation.agent?.id).toBe(seller.id);
  });

  it('[RT13][RT15] numbers each department’s queue on its own', async () => {
    const a = await startChat(sales.id);
    const b = await startChat(sales.id);
    const c = await startChat(support.id);
    await expect.poll(() => [a, b, c].map((chat) => chat.positions.at(-1)?.position)).toEqual([1, 2, 1]);
  });

  it('[RT2][RT15] follows a department’s own strategy: manual leaves its chats queued', async () => {
    await h.c.departments.updateOne({ _id: sales.id }, { $set: { strategy: 'manual' } });
    await onlineAgent('Seller', [sales.id]);
    const manual = await startChat(sales.id);
    const automatic = await startChat();
    expect(manual.conversation.state).toBe('queued');
    expect(automatic.conversation.state).toBe('assigned');
  });

  it('refuses an unknown department, or one of another site, and starts nothing', async () => {
    const other = await h.hovor.repositories.departments.create(
      { siteId: '0'.repeat(24), name: 'Elsewhere', strategy: null, fallbackDepartmentId: null },
      new Date(),
    );
    const visitor = await h.visitor();
    for (const departmentId of [other.id, 'f'.repeat(24)]) {
      const ack = await call(visitor.socket, 'conversation:start', { requestId: clientId(), departmentId });
      expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    const malformed = await call(visitor.socket, 'conversation:start', {
      requestId: clientId(),
      departmentId: 'sales',
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await h.c.conversations.countDocuments({})).toBe(0);
    expect(await h.c.openConversations.countDocuments({})).toBe(0);
  });
});
