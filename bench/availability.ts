/**
 * [P22] The launchers' question "what does the site offer now?" (`GET /sites/:key/availability`),
 * which every launcher of a site that hides while offline asks once a minute: how many a node
 * answers per second, with each answer read from the database and with the node's cache (3 s).
 * One node, 10 agents online, 20 clients asking back to back for 10 s.
 *
 *   pnpm bench:availability   writes bench/results/availability.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startCluster } from './cluster.js';
import { startDatabase, startRedis } from './services.js';
import { formatTable, machine, percentiles, runBench } from './stats.js';

const CLIENTS = 20;
const DURATION_MS = 10_000;
const AGENTS = 10;
const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'availability.json');
const SCENARIOS = [
  { name: 'every answer read', availabilityCacheMs: 0 },
  { name: 'kept 3 s (default)', availabilityCacheMs: 3_000 },
];

const write = (text: string) => process.stdout.write(`${text}\n`);

/** Asks back to back from `CLIENTS` keep-alive connections for `durationMs`. */
async function ask(url: string, durationMs: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const latencies: number[] = [];
  let failures = 0;
  const until = performance.now() + durationMs;
  const client = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      const status = await new Promise<number>((resolve) =>
        http
          .get(url, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', () => resolve(0)),
      );
      if (status === 200) latencies.push(performance.now() - started);
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  agent.destroy();
  return { latencies, failures };
}

async function main(): Promise<number> {
  const [database, redis] = await Promise.all([startDatabase(), startRedis()]);
  const results = [];
  try {
    for (const scenario of SCENARIOS) {
      write(`running: ${scenario.name}…`);
      const cluster = await startCluster({
        nodeCount: 1,
        mongoUrl: database.url,
        redisUrl: redis.url,
        availabilityCacheMs: scenario.availabilityCacheMs,
      });
      try {
        await cluster.onlineAgents(AGENTS, 3);
        const url =
          `${cluster.baseUrls[0]}/api/v1/sites/${cluster.siteKey}/availability` +
          `?origin=${encodeURIComponent(cluster.shopOrigin)}&locale=en`;
        await ask(url, 1_000); // warm-up, unreported
        const { latencies, failures } = await ask(url, DURATION_MS);
        const p = percentiles(latencies);
        results.push({
          scenario: scenario.name,
          availabilityCacheMs: scenario.availabilityCacheMs,
          answered: latencies.length,
          failures,
          perSec: Math.round(latencies.length / (DURATION_MS / 1000)),
          p50Ms: Math.round(p.p50 * 10) / 10,
          p99Ms: Math.round(p.p99 * 10) / 10,
          maxMs: Math.round(p.max * 10) / 10,
        });
      } finally {
        await cluster.close();
      }
    }
  } finally {
    await Promise.all([database.stop(), redis.stop()]);
  }
  const info = machine();
  write('');
  write(
    formatTable(
      ['scenario', 'answers/s', 'p50 ms', 'p99 ms', 'max ms', 'failed'],
      results.map((r) => [
        r.scenario,
        String(r.perSec),
        String(r.p50Ms),
        String(r.p99Ms),
        String(r.maxMs),
        String(r.failures),
      ]),
    ),
  );
  write(
    `${CLIENTS} clients, ${DURATION_MS / 1000} s each; ${info.cpu}, ${info.cores} cores, Node ${info.node}`,
  );
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  const report = {
    benchmark: 'availability',
    date: new Date().toISOString(),
    machine: info,
    database: 'embedded (FerretDB with SQLite, synchronous=full)',
    setup: { clients: CLIENTS, durationMs: DURATION_MS, agents: AGENTS },
    results,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  write(`results: bench/results/${path.basename(RESULTS_FILE)}`);
  return results.some((r) => r.failures > 0) ? 1 : 0;
}

runBench(main);
