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
import { startHovor } from '@hovor/server';
import {
  createLogger,
  EMBEDDED_DB_POOL_SIZE,
  type LimitName,
  parseEnv,
  RATE_LIMITS,
  type RateLimitOptions,
  relaxedRateLimits,
  toAppConfig,
} from '@hovor/server/testing';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../packages/protocol/src/index.js';
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
  const commandsDir = process.env.BENCH_DB_COMMANDS;
  const hovor = await startHovor({
    // The bench database is the embedded one: the pool main.ts gives it when it starts it itself.
    database: {
      url: env.MONGODB_URL,
      name: env.MONGODB_DB,
      maxPoolSize: EMBEDDED_DB_POOL_SIZE,
      monitorCommands: Boolean(commandsDir),
    },
    config: toAppConfig(env),
    logger: createLogger(env.LOG_LEVEL),
    ...(env.REDIS_URL
      ? { redis: { url: env.REDIS_URL, key: process.env.BENCH_REDIS_KEY ?? 'hovor-bench' } }
      : {}),
    presenceLeaseMs: env.PRESENCE_LEASE_MS,
    maxCommandsInFlight: env.MAX_COMMANDS_IN_FLIGHT,
    // In this node's memory even with Redis: the bench's limits are out of reach anyway.
    rateLimits: rateLimitsFor(process.env.BENCH_RATE_LIMITS),
  });
  const commandStats =
    commandsDir && hovor.mongoClient ? recordCommandStats(hovor.mongoClient, commandsDir) : null;
  const { io } = hovor.app;
  return {
    port: hovor.port,
    sockets: (): ChildSockets => ({
      visitors: io.of(VISITOR_NAMESPACE).sockets.size,
      agents: io.of(AGENT_NAMESPACE).sockets.size,
      connections: io.engine.clientsCount,
    }),
    async stop() {
      commandStats?.write();
      await hovor.close();
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
