import type { OpenConversationResult, VisitorConversation, WidgetConfig } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PreChatSettings } from '../src/db/collections.js';
import { call, clientId, type Harness, ok, SHOP_ORIGIN, startHarness } from './support/harness.js';

let h: Harness;
let sales: { id: string };
const FORM: PreChatSettings = {
  name: 'required',
  email: 'optional',
  department: true,
  consent: 'I agree to the processing of my data as described in the privacy policy.',
};

beforeEach(async () => {
  h = await startHarness();
  sales = await h.hovor.repositories.departments.create(
    { siteId: h.site.id, name: 'Sales', strategy: null, fallbackDepartmentId: null },
    new Date(),
  );
  await h.hovor.repositories.sites.update(h.site.id, { $set: { preChat: FORM } });
});
afterEach(async () => {
  await h.close();
});

describe('the pre-chat form [P20]', () => {
  it('is part of the widget config, with the site’s departments to choose from and its consent in other languages', async () => {
    await h.hovor.repositories.sites.update(h.site.id, {
      $set: { texts: { cs: { consent: 'Souhlasím se zpracováním údajů.' } } },
    });
    const res = await fetch(
      `${h.baseUrl}/api/v1/sites/${h.site.key}/widget-config?origin=${encodeURIComponent(SHOP_ORIGIN)}`,
    );
    const body = (await res.json()) as { data: WidgetConfig };
    expect(body.data.preChat).toEqual({
      name: 'required',
      email: 'optional',
      departments: [{ id: sales.id, name: 'Sales' }],
      consent: FORM.consent,
      consents: [{ locale: 'cs', text: 'Souhlasím se zpracováním údajů.' }],
    });
  });

  it('[P4] refuses a widget config asked for an origin that is not one', async () => {
    const res = await fetch(
      `${h.baseUrl}/api/v1/sites/${h.site.key}/widget-config?origin=javascript:alert(1)`,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });

  it('starts a conversation with the answers: the name is the conversation’s, the consent is recorded', async () => {
    const agent = await h.onlineAgent('Alice', { departmentIds: [sales.id] });
    const visitor = await h.visitor();
    const started = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
      departmentId: sales.id,
      about: { name: 'Petr Novák', email: 'petr@example.com', consent: true },
    });
    const opened = await ok<OpenConversationResult>(agent.socket, 'conversation:open', {
      conversationId: started.id,
      afterSeq: 0,
    });
    expect(opened.conversation.visitorName).toBe('Petr Novák');
    expect(opened.visitor).toMatchObject({ name: 'Petr Novák', email: 'petr@example.com' });
    expect((await h.c.conversations.findOne({ _id: started.id }))?.consentAt).toBeInstanceOf(Date);
  });

  it('[P4] refuses a start without the required answers, and starts nothing', async () => {
    const visitor = await h.visitor();
    const full = { name: 'Petr', consent: true } as const;
    for (const [input, why] of [
      [{ departmentId: sales.id, about: { consent: true } }, /name/],
      [{ departmentId: sales.id, about: { name: '   ', consent: true } }, /name/],
      [{ departmentId: sales.id, about: { name: 'Petr' } }, /consent/],
      [{ about: full }, /departments/],
      [{ departmentId: 'ffffffffffffffffffffffff', about: full }, /departments/],
      [{ departmentId: sales.id, about: { ...full, email: 'not an address' } }, /./],
      [{ departmentId: sales.id, about: { ...full, consent: false } }, /./],
    ] as const) {
      const answer = await call(visitor.socket, 'conversation:start', { requestId: clientId(), ...input });
      expect(answer, JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      if (!answer.ok) expect(answer.error.message).toMatch(why);
    }
    expect(await h.c.conversations.countDocuments({})).toBe(0);
  });

  it('asks nothing of a site without the form, and ignores answers it did not ask for', async () => {
    await h.hovor.repositories.sites.update(h.site.id, {
      $set: { preChat: { ...FORM, name: 'off', consent: null, department: false } },
    });
    const visitor = await h.visitor();
    const started = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
      about: { name: 'Not asked' },
    });
    const stored = await h.c.conversations.findOne({ _id: started.id });
    expect(stored?.visitorName).not.toBe('Not asked');
    expect(stored?.consentAt).toBeUndefined();
  });
});
