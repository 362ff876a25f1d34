import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dbName = `main_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const productionDbName = `${dbName}_prod`;
const PORT_ATTEMPTS = 5;
/** A refused start exits before it connects to anything; one still running by then has started. */
const REFUSAL_TIMEOUT_MS = 15_000;
/** Starting includes compiling TypeScript with tsx. */
const START_TIMEOUT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Running {
  child: ChildProcess;
  banner: string;
  port: number;
  demoPort: number;
}

/**
 * Starts the real process. A "free" port can be taken by a parallel test before the process
 * binds it; the process then stops before writing anything, so it is safe to try other ports.
 */
async function startMain(env: NodeJS.ProcessEnv = {}): Promise<Running> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMainOnce(env);
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

function spawnMain(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, MONGODB_URL: inject('mongoUrl'), MONGODB_DB: dbName, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function startMainOnce(env: NodeJS.ProcessEnv): Promise<Running> {
  const [port, demoPort] = [await freePort(), await freePort()];
  const child = spawnMain({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://localhost:${port}`,
    DEMO_PORT: String(demoPort),
    ...env,
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in time: ${output}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // The banner is one write ending in a blank line.
      if (/Hovor is running on[\s\S]*\n\n/.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return { child, banner, port, demoPort };
}

/** Runs a start that must fail; resolves with its exit code and what it wrote to stderr. */
function failedStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawnMain(env);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), REFUSAL_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

afterAll(async () => {
  const client = await MongoClient.connect(inject('mongoUrl'));
  await client.db(dbName).dropDatabase();
  await client.db(productionDbName).dropDatabase();
  await client.close();
});

describe('the start command', () => {
  it('creates the demo site and an admin on first start, prints the login, and stops cleanly on SIGTERM', async () => {
    const first = await startMain();
    const password = /Admin password: (\S+)/.exec(first.banner)?.[1];
    expect(first.banner).toContain(`Agent console:  http://localhost:${first.port}/console/`);
    expect(first.banner).toContain('Admin e-mail:   admin@hovor.local');
    expect(password).toBeTruthy();

    const login = await fetch(`http://127.0.0.1:${first.port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@hovor.local', password }),
    });
    expect(login.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200);
    const shop = await (await fetch(`http://127.0.0.1:${first.demoPort}/`)).text();
    expect(shop).toContain(
      `<script async src="http://localhost:${first.port}/widget.js" data-site="demo-shop"></script>`,
    );
    // Site developers get the page API's types from the server.
    const types = await fetch(`http://127.0.0.1:${first.port}/widget.d.ts`);
    expect(types.status).toBe(200);
    expect(await types.text()).toContain('export interface Hovor {');
    expect(await stop(first.child)).toBe(0);

    const second = await startMain();
    expect(second.banner).not.toContain('Admin password:');
    expect(second.banner).toContain('as printed on the first start');
    expect(await stop(second.child)).toBe(0);
  }, 90_000);

  it('refuses to start in production when PUBLIC_URL is not https, naming the variable', async () => {
    const { code, stderr } = await failedStart({
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://chat.example.test',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('PUBLIC_URL must be an https:// URL in production');
  });

  it('in production takes the admin from ADMIN_EMAIL and ADMIN_PASSWORD, prints no password and serves no demo', async () => {
    const password = 'a long admin secret from the vault';
    const running = await startMain({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://chat.example.test',
      MONGODB_DB: productionDbName,
      DEMO: 'on',
      ADMIN_EMAIL: 'ops@example.test',
      ADMIN_PASSWORD: password,
    });
    try {
      expect(running.banner).toContain('Admin e-mail:   ops@example.test');
      expect(running.banner).toContain('Admin password: as given in ADMIN_PASSWORD');
      expect(running.banner).not.toContain(password);
      expect(running.banner).not.toContain('Demo shop page');
      const login = await fetch(`http://127.0.0.1:${running.port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://chat.example.test' },
        body: JSON.stringify({ email: 'ops@example.test', password }),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get('set-cookie')).toMatch(/^__Host-hovor_session=/);
      expect(login.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      const client = await MongoClient.connect(inject('mongoUrl'));
      const sites = await client.db(productionDbName).collection('sites').find({}).toArray();
      await client.close();
      expect(sites.map((site) => site.allowedOrigins)).toEqual([[]]);
    } finally {
      expect(await stop(running.child)).toBe(0);
    }
  }, 60_000);
});
