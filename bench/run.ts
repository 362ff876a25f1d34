/**
 * `pnpm bench`: every bench scenario in turn, each in a fresh Node process of its own (so no
 * scenario inherits another's warm JIT, pools or garbage), stopping at none: a failed scenario is
 * reported and the others still run. Exits 1 if any failed.
 *
 *   pnpm bench                         every scenario (chat starts, availability, messages, idle
 *                                      sockets, reconnect storm: about a quarter of an hour)
 *   pnpm bench --smoke                 the short smokes (chat starts, messages, reconnect storm)
 *   pnpm bench --only messages         only the named scenarios (comma-separated)
 *
 * Other flags (e.g. `--sync-normal`) go to every scenario.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

interface Scenario {
  name: string;
  file: string;
  /**
   * Its `--smoke` mode: `default` runs in every `pnpm bench --smoke` (the test command's), `named`
   * only when `--only` names it, `none` it has none.
   */
  smoke: 'default' | 'named' | 'none';
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'chat-starts', file: 'chat-starts.ts', smoke: 'default' },
  { name: 'availability', file: 'availability.ts', smoke: 'none' },
  { name: 'messages', file: 'messages.ts', smoke: 'default' },
  // Its smoke checks memory figures, not behaviour: not worth the test command's time.
  { name: 'idle-sockets', file: 'idle-sockets.ts', smoke: 'named' },
  { name: 'reconnect-storm', file: 'reconnect-storm.ts', smoke: 'default' },
];

const write = (text: string) => process.stdout.write(`${text}\n`);

/** The scenarios `--only a,b` names (all when absent), and the flags left for the scenarios. */
function parseArgs(args: readonly string[]): { only: Set<string> | null; passed: string[] } {
  const passed: string[] = [];
  let only: Set<string> | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--only') only = new Set((args[++i] ?? '').split(',').filter(Boolean));
    else if (arg.startsWith('--only='))
      only = new Set(arg.slice('--only='.length).split(',').filter(Boolean));
    else passed.push(arg);
  }
  return { only, passed };
}

/** Runs `bench/<file>` with tsx (resolved from the current directory, as `pnpm bench` sets it). */
function runScenario(file: string, args: readonly string[]): Promise<number> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], { stdio: 'inherit' });
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const { only, passed } = parseArgs(process.argv.slice(2));
  const isSmoke = passed.includes('--smoke');
  const unknown = [...(only ?? [])].filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) {
    write(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 1;
  }
  const hasSmokeRun = (s: Scenario) => s.smoke === 'default' || (s.smoke === 'named' && only !== null);
  const chosen = SCENARIOS.filter((s) => (only === null || only.has(s.name)) && (!isSmoke || hasSmokeRun(s)));
  const outcomes: { name: string; code: number; seconds: number }[] = [];
  for (const scenario of chosen) {
    write(`\n=== ${scenario.name}${isSmoke ? ' (smoke)' : ''} ===`);
    const began = performance.now();
    const code = await runScenario(scenario.file, passed);
    outcomes.push({ name: scenario.name, code, seconds: (performance.now() - began) / 1000 });
  }
  write('');
  for (const o of outcomes) write(`${o.code === 0 ? 'ok  ' : 'FAIL'}  ${o.name} (${o.seconds.toFixed(0)} s)`);
  return outcomes.some((o) => o.code !== 0) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench runner failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
