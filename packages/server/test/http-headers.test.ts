import { type IncomingHttpHeaders, request } from 'node:http';
import { AGENT_NAMESPACE, PROTOCOL_VERSION } from '@hovor/protocol';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PASSWORD, type Harness, SHOP_ORIGIN, startHarness } from './support/harness.js';

const HTTPS_URL = 'https://chat.hovor.test';
const DEFAULT_POLICY = [
  "default-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

let h: Harness;
let secure: Harness;
beforeAll(async () => {
  [h, secure] = await Promise.all([startHarness(), startHarness({ publicUrl: HTTPS_URL })]);
});
afterAll(async () => {
  await Promise.all([h?.close(), secure?.close()]);
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A GET with the path exactly as written: fetch would normalize `//`, `.` and `..` first. */
function rawGet(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const directives = (answer: Answer) =>
  String(answer.headers['content-security-policy'] ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean);

function expectDefaultHeaders(answer: Answer): void {
  expect(directives(answer)).toEqual(DEFAULT_POLICY);
  expect(answer.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
  });
  expect(answer.headers['x-powered-by']).toBeUndefined();
}

describe('pages are served only with their Content-Security-Policy', () => {
  const site = `?site=${'test-site'}`;
  /** Spellings the static server would resolve to a page the explicit routes did not match. */
  const variants: Array<{ path: string; page: 'frame' | 'launcher' | 'console' | 'none' }> = [
    { path: `/widget//frame.html${site}`, page: 'none' },
    { path: `/widget/frame%2ehtml${site}`, page: 'none' },
    { path: `/widget/frame%2Ehtml${site}`, page: 'none' },
    { path: `/widget/assets/%2e%2e/frame.html${site}`, page: 'none' },
    { path: `/widget/frame.html%00${site}`, page: 'none' },
    { path: `/widget//launcher.html${site}`, page: 'none' },
    { path: `/widget/launcher%2ehtml${site}`, page: 'none' },
    { path: `/WIDGET//frame.html${site}`, page: 'none' },
    { path: `/widget/FRAME.html${site}`, page: 'frame' },
    { path: `/widget/frame.html/${site}`, page: 'frame' },
    { path: `/widget/Launcher.HTML${site}`, page: 'launcher' },
    { path: '/console/index.html', page: 'console' },
    { path: '/console//index.html', page: 'console' },
    { path: '/console/index%2ehtml', page: 'console' },
    { path: '/console/INDEX.HTML', page: 'console' },
    { path: '/console/assets/%2e%2e/index.html', page: 'console' },
  ];

  it.each(variants)(
    'answers $path with a 404 or the page under its own policy, never a bare page',
    async ({ path, page }) => {
      const answer = await rawGet(h.baseUrl, path);
      const policy = directives(answer);
      if (page === 'none') {
        expect(answer.status).toBe(404);
        expect(answer.body).not.toMatch(/<html/i);
        expect(policy).toEqual(DEFAULT_POLICY);
        return;
      }
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/<html/i);
      if (page === 'frame') expect(policy).toContain(`frame-ancestors ${SHOP_ORIGIN}`);
      if (page === 'launcher') expect(policy).toContain("img-src 'none'");
      if (page === 'console') expect(policy).toContain("form-action 'self'");
      expect(policy).toContain("default-src 'self'");
    },
  );

  it('still serves the frames’ scripts and styles from the built folder', async () => {
    const html = (await rawGet(h.baseUrl, `/widget/frame.html${site}`)).body;
    const asset = /(?:src|href)="(\/widget\/[^"]+\.(?:js|css))"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const answer = await rawGet(h.baseUrl, asset!);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toContain('immutable');
  });

  it('lets the allowed shop frame the chat: no X-Frame-Options, frame-ancestors from the site', async () => {
    const answer = await rawGet(h.baseUrl, `/widget/frame.html${site}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-frame-options']).toBeUndefined();
    expect(directives(answer)).toContain(`frame-ancestors ${SHOP_ORIGIN}`);
  });

  it('lets any page frame the launcher: no X-Frame-Options', async () => {
    const answer = await rawGet(h.baseUrl, `/widget/launcher.html${site}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-frame-options']).toBeUndefined();
    expect(directives(answer).some((d) => d.startsWith('frame-ancestors'))).toBe(false);
  });

  it('forbids framing the console by both headers', async () => {
    const answer = await rawGet(h.baseUrl, '/console/');
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(directives(answer)).toContain("frame-ancestors 'none'");
  });
});

describe('default security headers', () => {
  it('sends the strict defaults with an API answer', async () => {
    const answer = await rawGet(h.baseUrl, '/healthz');
    expect(answer.status).toBe(200);
    expectDefaultHeaders(answer);
  });

  it('sends the strict defaults with an API error and with a miss outside the API', async () => {
    const apiMiss = await rawGet(h.baseUrl, '/api/v1/nothing');
    expect(apiMiss.status).toBe(404);
    expectDefaultHeaders(apiMiss);
    const miss = await rawGet(h.baseUrl, '/nothing-here');
    expect(miss.status).toBe(404);
    expect(JSON.parse(miss.body)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expectDefaultHeaders(miss);
  });

  it('leaves Socket.IO’s own requests to Socket.IO, which refuses HTTP long-polling (WebSocket only)', async () => {
    const answer = await rawGet(h.baseUrl, '/socket.io/?EIO=4&transport=polling');
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Transport unknown');
  });

  it('lets other sites load widget.js (CORP cross-origin)', async () => {
    const answer = await rawGet(h.baseUrl, '/widget.js');
    expect(answer.status).toBe(200);
    expect(answer.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends no HSTS when the public URL is plain http', async () => {
    expect((await rawGet(h.baseUrl, '/healthz')).headers['strict-transport-security']).toBeUndefined();
  });
});

describe('agent session over https', () => {
  async function login(harness: Harness, origin: string): Promise<Response> {
    const seeded = await harness.seedAgent({ name: 'Ana' });
    return fetch(`${harness.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email: seeded.email, password: AGENT_PASSWORD }),
    });
  }

  it('sends HSTS for a year with subdomains on every answer', async () => {
    for (const path of ['/healthz', '/widget.js', '/nothing-here']) {
      const answer = await rawGet(secure.baseUrl, path);
      expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    }
  });

  it('names the session cookie __Host-hovor_session, Secure, for Path=/ and without Domain', async () => {
    const response = await login(secure, HTTPS_URL);
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-hovor_session=[^;]+;/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('reads the session only from the __Host- cookie, on REST, attachments and the agent socket', async () => {
    const response = await login(secure, HTTPS_URL);
    const pair = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    const token = pair.slice(pair.indexOf('=') + 1);
    const me = (cookie: string) => fetch(`${secure.baseUrl}/api/v1/auth/me`, { headers: { cookie } });
    expect((await me(pair)).status).toBe(200);
    expect((await me(`hovor_session=${token}`)).status).toBe(401);
    // Signed in, an unknown file is NOT_FOUND rather than UNAUTHORIZED.
    const file = await fetch(`${secure.baseUrl}/api/v1/attachments/${'a'.repeat(24)}`, {
      headers: { cookie: pair },
    });
    expect(file.status).toBe(404);
    const socket = io(`${secure.baseUrl}${AGENT_NAMESPACE}`, {
      auth: { v: PROTOCOL_VERSION },
      extraHeaders: { cookie: pair },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
    socket.disconnect();
    expect(outcome).toBe('connected');
  });

  it('keeps the plain hovor_session cookie without Secure when the public URL is http', async () => {
    const response = await login(h, 'http://hovor.test');
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^hovor_session=/);
    expect(cookie).not.toMatch(/Secure/i);
  });
});
