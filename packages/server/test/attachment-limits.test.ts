import { connect, type Socket } from 'node:net';
import { type Attachment, MAX_ATTACHMENT_BYTES, type VisitorConversation } from '@hovor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { UploadLimits } from '../src/attachments/upload-limits.js';
import { AGENT_PASSWORD, clientId, type Harness, ok, signIn, startHarness } from './support/harness.js';

/** The smallest real PNG: 1×1, transparent. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
/** What a test sends of a body it holds back: less than any file. */
const FIRST_BYTES = PNG.subarray(0, 8);

type Body = { ok: boolean; data?: Attachment; error?: { code: string; message: string } };

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Body;
}

/**
 * An upload over a connection of its own, so the test decides when each byte of the body goes out
 * and sees whether the server answers, and closes, before the body is complete.
 */
interface RawUpload {
  write(bytes: Buffer): void;
  /** The server's answer, as soon as it is complete. */
  answer: Promise<Answer>;
  /** Resolves when the server ends the connection. */
  closed: Promise<void>;
  /** Body bytes written so far. */
  sent(): number;
  destroy(): void;
}

let h: Harness;
const uploads: RawUpload[] = [];

async function start(uploadLimits: Partial<UploadLimits> = {}): Promise<Harness> {
  h = await startHarness({ uploadLimits });
  return h;
}

afterEach(async () => {
  for (const upload of uploads.splice(0)) upload.destroy();
  await h.close();
});

const uploadPath = (conversationId: string, name = 'photo.png') =>
  `/api/v1/conversations/${conversationId}/attachments?name=${encodeURIComponent(name)}`;

function openUpload(
  path: string,
  headers: Record<string, string>,
  firstBytes: Buffer = FIRST_BYTES,
): RawUpload {
  const { port } = new URL(h.baseUrl);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  // Writing on after the server closed fails: that is the point, not an error of the test.
  socket.on('error', () => undefined);
  let received = Buffer.alloc(0);
  let sent = 0;
  const closed = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', () => resolve());
  });
  /** The answer in `received`, once all of it is there (`isEnded`: the server closed after it). */
  const parseAnswer = (isEnded: boolean): Answer | null => {
    const end = received.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
    const answerHeaders = Object.fromEntries(
      lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    const body = received.subarray(end + 4);
    const length = answerHeaders['content-length'];
    if (length === undefined ? !isEnded : body.length < Number(length)) return null;
    return {
      status: Number(statusLine.split(' ')[1]),
      headers: answerHeaders,
      body: body.length > 0 ? (JSON.parse(body.toString('utf8')) as Body) : { ok: false },
    };
  };
  const answer = new Promise<Answer>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parseAnswer(false);
      if (parsed) resolve(parsed);
    });
    socket.once('close', () => {
      const parsed = parseAnswer(true);
      if (parsed) resolve(parsed);
      else reject(new Error(`closed without an answer: ${received.toString('latin1')}`));
    });
  });
  // A test that cuts the connection itself never awaits the answer.
  answer.catch(() => undefined);
  const head = [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  socket.write(firstBytes);
  sent += firstBytes.length;
  const upload: RawUpload = {
    write(bytes) {
      socket.write(bytes);
      sent += bytes.length;
    },
    answer,
    closed,
    sent: () => sent,
    destroy: () => socket.destroy(),
  };
  uploads.push(upload);
  return upload;
}

/** An upload of a whole file at once, by fetch as the chat frame and the console send it. */
async function upload(
  conversationId: string,
  body: Buffer,
  auth: { token?: string; cookie?: string },
  type = 'image/png',
): Promise<{ status: number; retryAfter: string | null; body: Body }> {
  const res = await fetch(`${h.baseUrl}${uploadPath(conversationId)}`, {
    method: 'POST',
    headers: {
      'content-type': type,
      ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
      ...(auth.cookie ? { cookie: auth.cookie } : {}),
    },
    body,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Body };
}

const visitorHeaders = (token: string, type = 'image/png', length: number = PNG.length) => ({
  authorization: `Bearer ${token}`,
  'content-type': type,
  'content-length': String(length),
});

async function stored() {
  return {
    files: await h.c.attachments.countDocuments({}),
    usage: await h.c.attachmentUsage.countDocuments({}),
  };
}

describe('uploads are checked before their bodies are read [P21]', () => {
  it('[P21] answers an unauthenticated upload of 10 MB with 401 and closes the connection after 8 bytes of it', async () => {
    await start();
    const visitor = await h.startChat();
    const headers = { 'content-type': 'image/png', 'content-length': String(MAX_ATTACHMENT_BYTES) };
    const nobody = openUpload(uploadPath(visitor.conversation.id), headers);
    const forged = openUpload(uploadPath(visitor.conversation.id), {
      ...headers,
      authorization: `Bearer ${'x'.repeat(43)}`,
    });
    for (const refused of [nobody, forged]) {
      const answer = await refused.answer;
      expect(answer.status).toBe(401);
      expect(answer.body.error?.code).toBe('UNAUTHORIZED');
      expect(answer.headers.connection).toBe('close');
      await refused.closed;
      expect(refused.sent()).toBe(FIRST_BYTES.length);
    }
    expect(await stored()).toEqual({ files: 0, usage: 0 });
  });

  it('[P21] answers an upload to another visitor’s conversation with 404 before reading its body', async () => {
    await start();
    const visitor = await h.startChat();
    const stranger = await h.startChat();
    const refused = openUpload(
      uploadPath(visitor.conversation.id),
      visitorHeaders(stranger.token, 'image/png', MAX_ATTACHMENT_BYTES),
    );
    const answer = await refused.answer;
    expect(answer.status).toBe(404);
    expect(answer.body.error?.code).toBe('NOT_FOUND');
    await refused.closed;
    expect(await stored()).toEqual({ files: 0, usage: 0 });
  });

  it('[P21] refuses a chunked body, an empty or oversized length and a type not accepted before reading a byte, storing nothing', async () => {
    await start();
    const visitor = await h.startChat();
    const auth = { authorization: `Bearer ${visitor.token}` };
    const cases = [
      { headers: { ...auth, 'content-type': 'image/png', 'transfer-encoding': 'chunked' }, status: 411 },
      { headers: { ...auth, 'content-type': 'image/png' }, status: 411 },
      { headers: { ...auth, 'content-type': 'image/png', 'content-length': '0' }, status: 400 },
      {
        headers: { ...auth, 'content-type': 'image/png', 'content-length': String(MAX_ATTACHMENT_BYTES + 1) },
        status: 413,
      },
      { headers: visitorHeaders(visitor.token, 'image/svg+xml', 1000), status: 415 },
      { headers: visitorHeaders(visitor.token, 'text/html', 1000), status: 415 },
    ];
    for (const { headers, status } of cases) {
      // Past a length (none, or 0) bytes would count as the next request: send none then.
      const first =
        Number((headers as Record<string, string>)['content-length'] ?? 0) > 0
          ? FIRST_BYTES
          : Buffer.alloc(0);
      const refused = openUpload(uploadPath(visitor.conversation.id), headers, first);
      const answer = await refused.answer;
      expect({ status: answer.status, code: answer.body.error?.code }, JSON.stringify(headers)).toEqual({
        status,
        code: 'BAD_REQUEST',
      });
      expect(answer.headers.connection).toBe('close');
      await refused.closed;
    }
    expect(await stored()).toEqual({ files: 0, usage: 0 });
  });
});

describe('uploads in flight are capped [P21]', () => {
  it('[P21] answers a visitor’s third upload at once with 429 and Retry-After while the two held open still succeed', async () => {
    await start({ perRequester: 2, retryAfterS: 3 });
    const visitor = await h.startChat();
    const held = [1, 2].map(() =>
      openUpload(uploadPath(visitor.conversation.id), visitorHeaders(visitor.token)),
    );
    await expect.poll(() => h.hovor.uploadsInFlight()).toBe(2);

    const third = await upload(visitor.conversation.id, PNG, { token: visitor.token });
    expect(third).toMatchObject({
      status: 429,
      retryAfter: '3',
      body: { ok: false, error: { code: 'RATE_LIMITED' } },
    });
    // Another visitor is not held back by this one.
    const other = await h.startChat();
    expect((await upload(other.conversation.id, PNG, { token: other.token })).status).toBe(200);

    for (const upload of held) upload.write(PNG.subarray(FIRST_BYTES.length));
    for (const upload of held) {
      expect((await upload.answer).body).toMatchObject({ ok: true, data: { size: PNG.length } });
    }
    expect(h.hovor.uploadsInFlight()).toBe(0);
    expect(await h.c.attachments.countDocuments({ conversationId: visitor.conversation.id })).toBe(2);
    // The slots are free again.
    expect((await upload(visitor.conversation.id, PNG, { token: visitor.token })).status).toBe(200);
  });

  it('[P21] answers any upload past the node’s cap with 429 whoever sends it', async () => {
    await start({ perNode: 2 });
    const first = await h.startChat();
    const second = await h.startChat();
    const third = await h.startChat();
    const held = [first, second].map((visitor) =>
      openUpload(uploadPath(visitor.conversation.id), visitorHeaders(visitor.token)),
    );
    await expect.poll(() => h.hovor.uploadsInFlight()).toBe(2);

    const refused = await upload(third.conversation.id, PNG, { token: third.token });
    expect(refused).toMatchObject({
      status: 429,
      retryAfter: '2',
      body: { error: { code: 'RATE_LIMITED' } },
    });

    for (const upload of held) upload.write(PNG.subarray(FIRST_BYTES.length));
    for (const upload of held) expect((await upload.answer).status).toBe(200);
    expect(await stored()).toEqual({ files: 2, usage: 2 });
  });

  it('[P21] cuts an upload whose body stalls past the deadline with 408 and frees its slot', async () => {
    await start({ perRequester: 1, bodyTimeoutMs: 300 });
    const visitor = await h.startChat();
    const stalled = openUpload(uploadPath(visitor.conversation.id), visitorHeaders(visitor.token));
    const answer = await stalled.answer;
    expect(answer.status).toBe(408);
    expect(answer.body.error?.code).toBe('BAD_REQUEST');
    await stalled.closed;
    expect(h.hovor.uploadsInFlight()).toBe(0);
    expect(await stored()).toEqual({ files: 0, usage: 0 });
    expect((await upload(visitor.conversation.id, PNG, { token: visitor.token })).status).toBe(200);
  });

  it('[P21] frees the slot of an upload whose client goes away mid-body', async () => {
    await start({ perRequester: 1 });
    const visitor = await h.startChat();
    const gone = openUpload(uploadPath(visitor.conversation.id), visitorHeaders(visitor.token));
    await expect.poll(() => h.hovor.uploadsInFlight()).toBe(1);
    gone.destroy();
    await expect.poll(() => h.hovor.uploadsInFlight()).toBe(0);
    expect(await stored()).toEqual({ files: 0, usage: 0 });
    expect((await upload(visitor.conversation.id, PNG, { token: visitor.token })).status).toBe(200);
  });
});

describe('quotas per conversation and per visitor [P21]', () => {
  it('[P21] refuses a file past the conversation’s quota of files with CONFLICT before reading it, storing nothing', async () => {
    await start({ filesPerConversation: 2 });
    const agent = await h.onlineAgent('Alice');
    const visitor = await h.startChat();
    const cookie = await signIn(h.baseUrl, agent.email, AGENT_PASSWORD);
    expect((await upload(visitor.conversation.id, PNG, { token: visitor.token })).status).toBe(200);
    expect((await upload(visitor.conversation.id, PDF, { cookie }, 'application/pdf')).status).toBe(200);

    const refused = openUpload(uploadPath(visitor.conversation.id), visitorHeaders(visitor.token));
    const answer = await refused.answer;
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/at most 2 files/),
    });
    await refused.closed;
    expect((await upload(visitor.conversation.id, PDF, { cookie }, 'application/pdf')).status).toBe(409);
    expect(await stored()).toEqual({ files: 2, usage: 2 });
  });

  it('[P21] counts a file’s declared size against the conversation’s quota of bytes', async () => {
    await start({ bytesPerConversation: PNG.length * 2 });
    const visitor = await h.startChat();
    expect((await upload(visitor.conversation.id, PNG, { token: visitor.token })).status).toBe(200);
    const tooMuch = openUpload(
      uploadPath(visitor.conversation.id),
      visitorHeaders(visitor.token, 'image/png', PNG.length + 1),
    );
    expect((await tooMuch.answer).body.error?.code).toBe('CONFLICT');
    // What still fits is taken.
    expect((await upload(visitor.conversation.id, PNG, { token: visitor.token })).status).toBe(200);
    expect(await stored()).toEqual({ files: 2, usage: 2 });
  });

  it('[P21] refuses a visitor past their own quota in a later conversation too, while the agent still sends files', async () => {
    await start({ bytesPerVisitor: PNG.length * 2 });
    const agent = await h.onlineAgent('Alice');
    const visitor = await h.startChat();
    const cookie = await signIn(h.baseUrl, agent.email, AGENT_PASSWORD);
    for (const _ of [1, 2]) {
      expect((await upload(visitor.conversation.id, PNG, { token: visitor.token })).status).toBe(200);
    }
    const refused = await upload(visitor.conversation.id, PNG, { token: visitor.token });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { code: 'CONFLICT', message: /A visitor can/ } },
    });
    // The visitor's quota is theirs alone: the agent's files count only in the conversation's.
    expect((await upload(visitor.conversation.id, PDF, { cookie }, 'application/pdf')).status).toBe(200);

    await ok(agent.socket, 'conversation:close', { conversationId: visitor.conversation.id });
    const later = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });
    expect(later.id).not.toBe(visitor.conversation.id);
    expect((await upload(later.id, PNG, { token: visitor.token })).body.error?.code).toBe('CONFLICT');
    expect(await stored()).toEqual({ files: 3, usage: 3 });
  });
});
