/**
 * A reconnect storm: 1,000 visitors, each in a chat an agent has (200 agents, 5 chats each), on
 * one Hovor node in a process of its own. Each visitor sends 3 messages (acked), then 2 more and
 * its connection is cut at once, before their acks can come back, and it writes 1 more while
 * offline. Once the node has seen every visitor socket go, all reconnect at once and recover as a
 * client with an outbox does (`storm-visitor.ts`): handshake (refusals retried after their
 * retry-after), `conversation:sync` from the last seq seen, every unacked message sent again
 * under its clientMsgId. Reported: the time until all are reconnected, synced and done, errors by
 * code, and what the database holds: every message each visitor sent stored exactly once, acked
 * with its stored seq, in the visitor's view after the sync, and delivered once to the agent.
 * The visitors' and consoles' own rate limits are the real ones; only the per-address limits are
 * relaxed (every client comes from 127.0.0.1).
 *
 *   pnpm bench --only reconnect-storm           writes bench/results/reconnect-storm.json
 *   pnpm bench --only reconnect-storm --smoke   10 visitors; fails if a message is lost or doubled
 *   --pairs 300                                 another number of visitors; writes nothing
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Message } from '../packages/protocol/src/index.js';
import { waitForVisitorSockets } from './child.js';
import { startCpuWindow } from './cpu-window.js';
import { type HovorNodes, startHovorNodes } from './hovor-nodes.js';
import { countBy } from './retry.js';
import { inPool } from './seed.js';
import { type DatabaseService, startDatabase } from './services.js';
import { startChat } from './start-chat.js';
import {
  countFlag,
  formatTable,
  machine,
  percentiles,
  resultHeader,
  runBench,
  toFormattedJson,
} from './stats.js';
import { type StoredMessage, verifyStorm } from './storm-accounting.js';
import { createStormVisitor, cut, recover, type StormVisitor, sendAcked } from './storm-visitor.js';

const SMOKE = process.argv.includes('--smoke');
const CUSTOM_PAIRS = countFlag(process.argv, 'pairs');
const PAIRS = CUSTOM_PAIRS ?? (SMOKE ? 10 : 10_000);
/** Agents with room for a fifth more chats than there are visitors. */
const AGENTS = SMOKE ? 2 : 200;
const CAPACITY = Math.ceil((PAIRS * 1.2) / AGENTS);
const MESSAGES_BEFORE = 3;
const MESSAGES_IN_FLIGHT = 2;
const MESSAGES_OFFLINE = 1;
/** Visitors created, chats started and histories sent at once during setup. */
const SETUP_CONCURRENCY = 50;
/** How long a setup chat may take to be assigned, and a setup message to be acked. */
const SETUP_TIMEOUT_MS = 60_000;
/** How long the node may take to see every cut socket go. */
const CUT_SETTLE_TIMEOUT_MS = 30_000;
/** A count that stays the same this long is settled. */
const SETTLED_MS = 500;
/**
 * Ids per `$in` of the bench's own reads: the embedded database reads an `$in` of up to 500 from
 * an index and scans the whole collection for a longer one.
 */
const IN_SLICE = 500;
/** A visitor not recovered by then counts as failed. */
const STORM_TIMEOUT_MS = 120_000;
/** How long the agents may take to receive the last messages after the storm. */
const DELIVERY_WAIT_MS = 10_000;

const RESULTS_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'results',
  'reconnect-storm.json',
);

const write = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const round1 = (n: number) => Math.round(n * 10) / 10;
const seconds = (ms: number) => Math.round(ms) / 1000;

/** Percentiles in seconds from `t0` of the visitors' times that are set, and how many are. */
function timesFrom(t0: number, times: readonly (number | null)[]) {
  const reached = times.filter((t): t is number => t !== null).map((t) => t - t0);
  const p = percentiles(reached);
  return {
    reached: reached.length,
    p50Sec: seconds(p.p50),
    p95Sec: seconds(p.p95),
    p99Sec: seconds(p.p99),
    allSec: reached.length === times.length ? seconds(p.max) : null,
  };
}

/** Deliveries of each visitor message (by clientMsgId) to any agent. */
type Deliveries = Map<string, number>;

/**
 * Agents online, visitors connected (listening before their chats start), each in a chat an agent
 * got, each with MESSAGES_BEFORE messages acked.
 */
async function setUp(hovor: HovorNodes) {
  const began = performance.now();
  let lapStart = began;
  const lap = () => {
    const now = performance.now();
    const sec = round1((now - lapStart) / 1000);
    lapStart = now;
    return sec;
  };
  const agents = await hovor.seeder.onlineAgents(AGENTS, CAPACITY);
  const deliveries: Deliveries = new Map();
  for (const agent of agents) {
    agent.socket.on('message:created', (message: Message) => {
      if (message.author.type !== 'visitor' || message.clientMsgId === null) return;
      deliveries.set(message.clientMsgId, (deliveries.get(message.clientMsgId) ?? 0) + 1);
    });
  }
  const agentsSec = lap();
  const visitors = await inPool(PAIRS, SETUP_CONCURRENCY, async (i) =>
    createStormVisitor(i, await hovor.seeder.connectVisitor(i, await hovor.seeder.visitorToken(i))),
  );
  const visitorsSec = lap();
  await inPool(PAIRS, SETUP_CONCURRENCY, async (i) => {
    const visitor = visitors[i]!;
    const chat = await startChat(visitor.socket, performance.now(), SETUP_TIMEOUT_MS);
    if (chat.assignedAt === null || chat.conversationId === null) {
      throw new Error(`setup: chat ${i} not assigned (${chat.finalError?.code ?? 'timeout'})`);
    }
    visitor.conversationId = chat.conversationId;
  });
  const chatsSec = lap();
  await inPool(PAIRS, SETUP_CONCURRENCY, (i) =>
    sendAcked(visitors[i]!, MESSAGES_BEFORE, performance.now() + SETUP_TIMEOUT_MS),
  );
  const timings = {
    seconds: round1((performance.now() - began) / 1000),
    agentsSec,
    visitorsSec,
    chatsSec,
    chatsAssignedPerSec: round1(PAIRS / chatsSec),
    messagesSec: lap(),
  };
  write(
    `  setup took ${timings.seconds} s: agents ${agentsSec} s, visitors ${visitorsSec} s, chats ${chatsSec} s ` +
      `(${timings.chatsAssignedPerSec}/s, ${SETUP_CONCURRENCY} at a time), messages ${timings.messagesSec} s`,
  );
  return { visitors, deliveries, timings };
}

/** Cuts every visitor off with messages in flight, waits for the node to settle, then reconnects them all at once. */
async function storm(hovor: HovorNodes, database: DatabaseService, visitors: readonly StormVisitor[]) {
  const node = hovor.nodes[0]!;
  write(`storm: cutting ${PAIRS} visitor connections with ${MESSAGES_IN_FLIGHT} messages each in flight…`);
  const cpu = startCpuWindow({ servers: [node.pid], database: database.pid });
  const cutAt = performance.now();
  for (const visitor of visitors) cut(visitor, MESSAGES_IN_FLIGHT, MESSAGES_OFFLINE);
  const left = (await waitForVisitorSockets(node, 0, CUT_SETTLE_TIMEOUT_MS)).visitors;
  const cutSettledMs = Math.round(performance.now() - cutAt);
  const inFlight = visitors.flatMap((v) =>
    v.sent.filter((m) => m.phase === 'in-flight').map((m) => ({ visitor: v, clientMsgId: m.clientMsgId })),
  );
  const inFlightIds = inFlight.map((m) => m.clientMsgId);
  // By _id (conversation and clientMsgId), in slices the database reads from its primary key.
  const inFlightKeys = inFlight.map((m) => `${m.visitor.conversationId}:${m.clientMsgId}`);
  const inFlightStored = await settledCount(async () => {
    let count = 0;
    for (const keys of slices(inFlightKeys, IN_SLICE)) {
      count += await hovor.collections.messages.countDocuments({ _id: { $in: keys } });
    }
    return count;
  });
  write(
    `  node saw the cut in ${cutSettledMs} ms (${left} visitor sockets left); ` +
      `${inFlightStored}/${inFlightIds.length} in-flight messages reached it and were stored`,
  );
  write(`storm: ${PAIRS} visitors reconnect at once…`);
  const t0 = performance.now();
  await Promise.all(visitors.map((visitor) => recover(visitor, t0 + STORM_TIMEOUT_MS)));
  const stormSec = seconds(performance.now() - t0);
  const cores = cpu.end();
  const failures = visitors.filter((v) => v.failure !== null);
  return {
    cutSettledMs,
    inFlightSent: inFlightIds.length,
    inFlightStoredBeforeReconnect: inFlightStored,
    stormSec,
    reconnected: timesFrom(
      t0,
      visitors.map((v) => v.connectedAt),
    ),
    synced: timesFrom(
      t0,
      visitors.map((v) => v.syncedAt),
    ),
    done: timesFrom(
      t0,
      visitors.map((v) => v.doneAt),
    ),
    reconnectedSocketsAtEnd: (await waitForVisitorSockets(node, PAIRS, CUT_SETTLE_TIMEOUT_MS)).visitors,
    handshakeAttempts: visitors.reduce((sum, v) => sum + v.handshakeAttempts, 0),
    errors: {
      handshake: countBy(visitors.flatMap((v) => v.errors.handshake)),
      sync: countBy(visitors.flatMap((v) => v.errors.sync)),
      send: countBy(visitors.flatMap((v) => v.errors.send)),
    },
    unexpectedDisconnects: visitors.reduce((sum, v) => sum + v.unexpectedDisconnects, 0),
    failed: failures.length,
    failures: countBy(failures.map((v) => v.failure!)),
    cores,
  };
}

/** What the database holds of the visitors' conversations, once the agents had time to hear the last messages. */
async function account(hovor: HovorNodes, visitors: readonly StormVisitor[], deliveries: Deliveries) {
  const sentIds = visitors.flatMap((v) => v.sent.map((m) => m.clientMsgId));
  const began = performance.now();
  while (sentIds.some((id) => !deliveries.has(id)) && performance.now() - began < DELIVERY_WAIT_MS) {
    await sleep(50);
  }
  const stored: StoredMessage[] = [];
  for (const ids of slices(
    visitors.map((v) => v.conversationId),
    IN_SLICE,
  )) {
    stored.push(
      ...((await hovor.collections.messages
        .find(
          { conversationId: { $in: ids } },
          { projection: { _id: 0, conversationId: 1, clientMsgId: 1, seq: 1, kind: 1, 'author.type': 1 } },
        )
        .toArray()) as StoredMessage[]),
    );
  }
  return verifyStorm(visitors, stored, deliveries);
}

function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function writeReport(result: unknown): void {
  const report = {
    ...resultHeader('reconnect-storm'),
    setup: {
      hovor:
        'own process (bench/hovor-node.ts), rate limits per visitor and console socket real, per address relaxed',
      cut: 'the engine.io connection closed under each visitor socket right after its in-flight sends',
      recovery:
        'handshake retried after retryAfterMs (protocol backoff); conversation:sync from the last seq seen; ' +
        'every unacked message resent under its clientMsgId, even when the sync showed it stored',
      stormTimeoutMs: STORM_TIMEOUT_MS,
    },
    result,
  };
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, toFormattedJson(report));
  write(`results: bench/results/${path.basename(RESULTS_FILE)}`);
}

async function main(): Promise<number> {
  const began = performance.now();
  const database = await startDatabase();
  try {
    const hovor = await startHovorNodes(database, { rateLimits: 'per-address' });
    try {
      write(`setup: ${AGENTS} agents × capacity ${CAPACITY}, ${PAIRS} visitors…`);
      const { visitors, deliveries, timings } = await setUp(hovor);
      const outcome = await storm(hovor, database, visitors);
      const accounting = await account(hovor, visitors, deliveries);
      const result = {
        pairs: PAIRS,
        agents: AGENTS,
        capacity: CAPACITY,
        messagesPerVisitor: {
          before: MESSAGES_BEFORE,
          inFlight: MESSAGES_IN_FLIGHT,
          offline: MESSAGES_OFFLINE,
        },
        setup: timings,
        ...outcome,
        accounting,
      };
      printResult(result);
      const info = machine();
      write(
        `${info.cpu}, ${info.cores} cores, Node ${info.node}; took ${((performance.now() - began) / 1000).toFixed(0)} s`,
      );
      if (!SMOKE && CUSTOM_PAIRS === null) writeReport(result);
      const problems = [
        ...accounting.problems,
        ...(outcome.failed > 0 ? [`${outcome.failed} visitor(s) never recovered`] : []),
      ];
      for (const problem of problems) write(`FAIL: ${problem}`);
      return problems.length > 0 ? 1 : 0;
    } finally {
      await hovor.close();
    }
  } finally {
    await database.stop();
  }
}

/** `count()` once it stays the same for SETTLED_MS (the node has finished what reached it), or at the timeout. */
async function settledCount(count: () => Promise<number>): Promise<number> {
  const until = performance.now() + CUT_SETTLE_TIMEOUT_MS;
  let last = await count();
  while (performance.now() < until) {
    await sleep(SETTLED_MS);
    const now = await count();
    if (now === last) break;
    last = now;
  }
  return last;
}

function printResult(r: {
  reconnected: ReturnType<typeof timesFrom>;
  synced: ReturnType<typeof timesFrom>;
  done: ReturnType<typeof timesFrom>;
  errors: Record<string, Record<string, number>>;
  cores: { server: number; database: number | null; generator: number; others: number };
  accounting: ReturnType<typeof verifyStorm>;
  failed: number;
}): void {
  write('');
  write(
    formatTable(
      ['step', 'visitors', 'p50 s', 'p95 s', 'p99 s', 'all by s'],
      (['reconnected', 'synced', 'done'] as const).map((step) => [
        step,
        String(r[step].reached),
        r[step].p50Sec.toFixed(2),
        r[step].p95Sec.toFixed(2),
        r[step].p99Sec.toFixed(2),
        r[step].allSec === null ? 'never' : r[step].allSec.toFixed(2),
      ]),
    ),
  );
  write(`errors: ${JSON.stringify(r.errors)}; visitors failed: ${r.failed}`);
  write(
    `cores during the storm: server ${r.cores.server}, database ${r.cores.database}, generator ` +
      `${r.cores.generator}, other processes ${r.cores.others}`,
  );
  const a = r.accounting;
  write(
    `stored: ${a.stored} of ${a.sent} sent (lost ${a.lost}, duplicates ${a.duplicates}, unknown ${a.unknown}); ` +
      `acked seq ≠ stored seq ${a.ackSeqMismatches}; missing from the visitors' views ${a.missingFromView}; ` +
      `agent deliveries: missing ${a.undelivered}, duplicated ${a.duplicateDeliveries}; ` +
      `in-flight messages the sync showed stored ${a.inFlightSeenInSync}`,
  );
}

runBench(main);
