import type { Server } from 'node:http';
import path from 'node:path';
import { bootstrapFirstStart, DEMO_SITE_KEY } from './bootstrap.js';
import { isDemoOn, parseEnv, toAppConfig } from './config.js';
import { EMBEDDED_DB_POOL_SIZE } from './db/connect.js';
import { createDemoSite } from './demo/demo-site.js';
import { type EmbeddedDb, REPO_ROOT, startEmbeddedDb } from './devdb/embedded-db.js';
import { createLogger } from './logger.js';
import { startHovor } from './node.js';
import { systemClock } from './ports/clock.js';

/** The composition root: the only place that reads the environment, listens and handles signals. */
async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const config = toAppConfig(env);
  const logger = createLogger(env.LOG_LEVEL);

  let embedded: EmbeddedDb | undefined;
  let mongoUrl = env.MONGODB_URL;
  if (!mongoUrl) {
    embedded = await startEmbeddedDb({ dataDir: path.resolve(REPO_ROOT, env.DATA_DIR, 'db') });
    mongoUrl = embedded.url;
    logger.info('embedded database started (set MONGODB_URL to use MongoDB)');
  }
  if (env.REDIS_URL) logger.info('Socket.IO events fan out through Redis (REDIS_URL)');
  // A port in use stops the start here, with nothing left running.
  const hovor = await startHovor({
    database: {
      url: mongoUrl,
      name: env.MONGODB_DB,
      ...(embedded ? { maxPoolSize: EMBEDDED_DB_POOL_SIZE } : {}),
    },
    // [A4] With Redis, every node counts against the same limits.
    ...(env.REDIS_URL ? { redis: { url: env.REDIS_URL, sharesRateLimits: true } } : {}),
    config,
    logger,
    host: env.HOST,
    port: env.PORT,
    presenceLeaseMs: env.PRESENCE_LEASE_MS,
    maxCommandsInFlight: env.MAX_COMMANDS_IN_FLIGHT,
  });

  const demoOrigin = `http://127.0.0.1:${env.DEMO_PORT}`;
  let demo: Server | undefined;
  if (isDemoOn(env)) {
    demo = createDemoSite({ hovorUrl: config.publicUrl, siteKey: DEMO_SITE_KEY });
    await listen(demo, env.DEMO_PORT, '127.0.0.1');
  }

  const { firstStart } = await bootstrapFirstStart({
    // The node's own repositories: its site cache sees the demo site at once.
    sites: hovor.app.repositories.sites,
    agents: hovor.app.repositories.agents,
    clock: systemClock,
    // Production serves no demo page, so its first site trusts no page of this machine.
    demoOrigins: config.isProduction ? [] : [demoOrigin, `http://localhost:${env.DEMO_PORT}`],
    admin: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
  });

  let isStopping = false;
  // Handlers before the banner: whoever reads the banner may signal at once.
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal }, 'shutting down');
    let exitCode = 0;
    try {
      demo?.close();
      await hovor.close();
      await embedded?.stop();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      exitCode = 1;
    }
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const lines = [
    '',
    `Hovor is running on ${config.publicUrl}`,
    `  Agent console:  ${config.publicUrl}/console/`,
  ];
  if (firstStart) {
    lines.push(
      `  Admin e-mail:   ${firstStart.adminEmail}`,
      firstStart.generatedPassword === null
        ? '  Admin password: as given in ADMIN_PASSWORD'
        : `  Admin password: ${firstStart.generatedPassword}   (shown on this first start only)`,
    );
  } else {
    lines.push('  Admin login:    as printed on the first start');
  }
  if (demo) lines.push(`  Demo shop page: ${demoOrigin}/`);
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`Hovor failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
