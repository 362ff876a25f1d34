import type { Attachment, Message } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENT_PASSWORD,
  call,
  clientId,
  type Harness,
  next,
  ok,
  signIn,
  startHarness,
} from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** The smallest real PNG: 1×1, transparent. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function upload(
  conversationId: string,
  body: Buffer,
  options: { type?: string; name?: string; token?: string; cookie?: string; origin?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': options.type ?? 'image/png' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const res = await fetch(
    `${h.baseUrl}/api/v1/conversations/${conversationId}/attachments?name=${encodeURIComponent(options.name ?? 'photo.png')}`,
    { method: 'POST', headers, body },
  );
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; data?: Attachment; error?: { code: string; message: string } },
  };
}

describe('files in conversations [P21]', () => {
  it('a visitor uploads an image and sends it; the agent gets the message with it and downloads the same bytes', async () => {
    const agent = await h.onlineAgent('Alice');
    const visitor = await h.startChat();
    const conversationId = visitor.conversation.id;
    const uploaded = await upload(conversationId, PNG, {
      token: visitor.token,
      name: '../../etc/pass\u202ewd.png',
    });
    expect(uploaded.body).toMatchObject({
      ok: true,
      data: { type: 'image/png', size: PNG.length, name: 'passwd.png' },
    });
    const attachment = uploaded.body.data!;

    const heard = next<Message>(agent.socket, 'message:created');
    const sent = await ok<Message>(visitor.socket, 'message:send', {
      conversationId,
      clientMsgId: clientId(),
      text: attachment.name,
      attachmentId: attachment.id,
    });
    expect(sent.attachment).toEqual(attachment);
    expect((await heard).attachment).toEqual(attachment);

    const cookie = await signIn(h.baseUrl, agent.email, AGENT_PASSWORD);
    const download = await fetch(`${h.baseUrl}/api/v1/attachments/${attachment.id}`, { headers: { cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''passwd.png");
    expect(download.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
    // The visitor reads it too, with their token.
    const own = await fetch(`${h.baseUrl}/api/v1/attachments/${attachment.id}`, {
      headers: { authorization: `Bearer ${visitor.token}` },
    });
    expect(own.status).toBe(200);
  });

  it('an agent sends a PDF to the visitor', async () => {
    const agent = await h.onlineAgent('Alice');
    const visitor = await h.startChat();
    const conversationId = visitor.conversation.id;
    const cookie = await signIn(h.baseUrl, agent.email, AGENT_PASSWORD);
    const uploaded = await upload(conversationId, PDF, {
      cookie,
      type: 'application/pdf',
      name: 'invoice 1042.pdf',
    });
    expect(uploaded.body.data).toMatchObject({ name: 'invoice 1042.pdf', type: 'application/pdf' });
    const heard = next<Message>(visitor.socket, 'message:created');
    await ok(agent.socket, 'message:send', {
      conversationId,
      clientMsgId: clientId(),
      text: 'invoice 1042.pdf',
      attachmentId: uploaded.body.data!.id,
    });
    expect((await heard).attachment?.type).toBe('application/pdf');
  });

  it('[P4] refuses other types, disguised files, empty and too large files, and strangers, storing nothing', async () => {
    const visitor = await h.startChat();
    const stranger = await h.startChat();
    const conversationId = visitor.conversation.id;
    const refused = [
      await upload(conversationId, Buffer.from('<svg onload="alert(1)"/>'), {
        token: visitor.token,
        type: 'image/svg+xml',
      }),
      await upload(conversationId, Buffer.from('<html><script>alert(1)</script>'), {
        token: visitor.token,
        type: 'image/png',
      }),
      await upload(conversationId, PDF, { token: visitor.token, type: 'image/jpeg' }),
      await upload(conversationId, Buffer.alloc(0), { token: visitor.token }),
      await upload(conversationId, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), {
        token: visitor.token,
      }),
      await upload(conversationId, PNG, { token: visitor.token, origin: 'https://evil.example' }),
    ];
    for (const answer of refused) expect(answer.body.ok, JSON.stringify(answer.body)).toBe(false);
    expect(refused.map((r) => r.body.error?.code)).toEqual([
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'FORBIDDEN',
    ]);
    expect(refused[4]!.body.error?.message).toMatch(/10 MB/);
    // Another visitor can neither upload to the conversation nor read its file.
    expect((await upload(conversationId, PNG, { token: stranger.token })).body.error?.code).toBe('NOT_FOUND');
    expect(await h.c.attachments.countDocuments({})).toBe(0);
    const mine = (await upload(conversationId, PNG, { token: visitor.token })).body.data!;
    const peek = await fetch(`${h.baseUrl}/api/v1/attachments/${mine.id}`, {
      headers: { authorization: `Bearer ${stranger.token}` },
    });
    expect(peek.status).toBe(404);
    // Nor send it in their own conversation.
    expect(
      await call(stranger.socket, 'message:send', {
        conversationId: stranger.conversation.id,
        clientMsgId: clientId(),
        text: 'x',
        attachmentId: mine.id,
      }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('[P4] answers a malformed id, a missing name and an unknown token with a clear error, storing nothing', async () => {
    const visitor = await h.startChat();
    const conversationId = visitor.conversation.id;
    const bad = await fetch(`${h.baseUrl}/api/v1/attachments/not-an-id`, {
      headers: { authorization: `Bearer ${visitor.token}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    const nameless = await fetch(`${h.baseUrl}/api/v1/conversations/${conversationId}/attachments`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${visitor.token}` },
      body: PNG,
    });
    expect(((await nameless.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    const stranger = await upload(conversationId, PNG, { token: 'x'.repeat(43) });
    expect(stranger.body.error?.code).toBe('UNAUTHORIZED');
    const noOne = await upload(conversationId, PNG);
    expect(noOne.body.error?.code).toBe('UNAUTHORIZED');
    expect(await h.c.attachments.countDocuments({})).toBe(0);
  });
});
