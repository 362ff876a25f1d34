/**
 * One Hovor node as its own process, for the benches that measure its CPU and memory apart from
 * the load generator's. It is `src/main.ts` without what a bench does not need (the embedded
 * database it would start, the demo page, the first-start admin) and with one difference: the rate
 * limits are relaxed, because main.ts reads no setting that relaxes them and a bench's thousands
 * of clients come from one address.
 *
 * Environment: MONGODB_URL and MONGODB_DB (required); LOG_LEVEL (default `silent`); REDIS_URL
 * (several nodes fanning out through Redis, as main.ts does) with BENCH_REDIS_KEY (the channel
 * prefix the nodes of one run share); MAX_COMMANDS_IN_FLIGHT and PRESENCE_LEASE_MS as main.ts reads
 * them; BENCH_RATE_LIMITS: `relaxed` (default: every limit out of reach) or `per-address` (only the
 * limits counted per address and per account are, a visitor's and a console socket's own limits
 * are the real ones); BENCH_DB_COMMANDS: a directory to write the node's database commands to,
 * summed by shape (`command-stats.ts`). Listens on a free port of 127.0.0.1, prints `listening <port>` and answers
 * `memory` and `sockets` (see `child.ts`).
 */
import type { AddressInfo } from 'node:net';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../packages/protocol/src/index.js';
import { createApp } from '../packages/server/src/app.js';
import { parseEnv, toAppConfig } from '../packages/server/src/config.js';
import { connectMongo, EMBEDDED_DB_POOL_SIZE } from '../packages/server/src/db/connect.js';
import type { RateLimitOptions } from '../packages/server/src/limits/rate-limiter.js';
import { type LimitName, RATE_LIMITS } from '../packages/server/src/limits/rate-limits.js';
import { createLogger } from '../packages/server/src/logger.js';
import { DEFAULT_STATIC_PATHS } from '../packages/server/src/paths.js';
import { connectRedisAdapter } from '../packages/server/src/sockets/redis-adapter.js';
import { relaxedRateLimits } from '../packages/server/test/support/rate-limits.js';
import { announceListening, answerQuestions, type ChildSockets, exitWithParent, ownMemory } from './child.js';
import { recordCommandStats } from './command-stats.js';

/** The limits a bench from one address must not meet; `per-address` keeps the others real. */
function rateLimitsFor(mode: string | undefined): RateLimitOptions {
  if (mode === undefined || mode === 'relaxed') return relaxedRateLimits();
  if (mode !== 'per-address') throw new Error(`BENCH_RATE_LIMITS: relaxed or per-address, not "${mode}"`);
  const real = Object.fromEntries(
    (Object.keys(RATE_LIMITS) as LimitName[])
      .filter((name) => RATE_LIMITS[name].key !== 'ip' && RATE_LIMITS[name].key !== 'account')
      .map((name) => [name, RATE_LIMITS[name]]),
  );
  return relaxedRateLimits({ rules: real });
}

async function startNode() {
  const env = parseEnv({ LOG_LEVEL: 'silent', PUBLIC_URL: 'http://hovor.test', ...process.env });
  if (!env.MONGODB_URL) throw new Error('MONGODB_URL is required');
  const logger = createLogger(env.LOG_LEVEL);
  // The bench database is the embedded one: the pool main.ts gives it when it starts it itself.
  const commandsDir = process.env.BENCH_DB_COMMANDS;
  const mongo = await connectMongo(env.MONGODB_URL, env.MONGODB_DB, {
    maxPoolSize: EMBEDDED_DB_POOL_SIZE,
    monitorCommands: Boolean(commandsDir),
  });
  const commandStats = commandsDir ? recordCommandStats(mongo.client, commandsDir) : null;
  const redis = env.REDIS_URL
    ? await connectRedisAdapter(env.REDIS_URL, logger, { key: process.env.BENCH_REDIS_KEY ?? 'hovor-bench' })
    : undefined;
  const hovor = createApp({
    db: mongo.db,
    config: toAppConfig(env),
    logger,
    paths: DEFAULT_STATIC_PATHS,
    socketAdapter: redis?.adapter,
    presenceLeaseMs: env.PRESENCE_LEASE_MS,
    maxCommandsInFlight: env.MAX_COMMANDS_IN_FLIGHT,
    // In this node's memory even with Redis: the bench's limits are out of reach anyway.
    rateLimits: rateLimitsFor(process.env.BENCH_RATE_LIMITS),
  });
  await hovor.start();
  await new Promise<void>((resolve, reject) => {
    hovor.httpServer.once('error', reject);
    hovor.httpServer.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (hovor.httpServer.address() as AddressInfo).port,
    sockets: (): ChildSockets => ({
      visitors: hovor.io.of(VISITOR_NAMESPACE).sockets.size,
      agents: hovor.io.of(AGENT_NAMESPACE).sockets.size,
      connections: hovor.io.engine.clientsCount,
    }),
    async stop() {
      await hovor.close();
      await redis?.close();
      commandStats?.write();
      await mongo.close();
    },
  };
}

const node = await startNode();
let isStopping = false;
const stop = async () => {
  if (isStopping) return;
  isStopping = true;
  try {
    await node.stop();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
};
process.on('SIGTERM', () => void stop());
exitWithParent(stop);
answerQuestions({ memory: ownMemory, sockets: node.sockets });
announceListening(node.port);
