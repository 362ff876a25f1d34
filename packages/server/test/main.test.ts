import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dbName = `main_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const PORT_ATTEMPTS = 5;
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
async function startMain(): Promise<Running> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMainOnce();
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startMainOnce(): Promise<Running> {
  const [port, demoPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      MONGODB_URL: inject('mongoUrl'),
      MONGODB_DB: dbName,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://localhost:${port}`,
      DEMO_PORT: String(demoPort),
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in time: ${output}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Demo shop page:')) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return { child, banner, port, demoPort };
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
});
