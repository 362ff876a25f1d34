import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';

/** Largest `git diff` read for the hash of uncommitted changes. */
const MAX_DIFF_BYTES = 64 * 1024 * 1024;
const DIFF_HASH_CHARS = 10;

/** The machine a bench ran on, for its results. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/**
 * The commit the bench ran on (short hash), whether tracked files differed from it, and a short
 * hash of that difference, so two runs on the same uncommitted code can be told apart from runs on
 * different code. Read-only: `--no-optional-locks` keeps git from refreshing the index.
 */
export function gitRevision(): { commit: string; isDirty: boolean; diffHash: string | null } {
  const git = (...args: string[]) =>
    spawnSync('git', ['--no-optional-locks', ...args], { encoding: 'utf8', maxBuffer: MAX_DIFF_BYTES });
  const head = git('rev-parse', '--short', 'HEAD');
  const diff = git('diff', 'HEAD');
  const isDirty = diff.status === 0 && diff.stdout.length > 0;
  return {
    commit: head.status === 0 ? head.stdout.trim() : 'unknown',
    isDirty,
    diffHash: isDirty
      ? createHash('sha256').update(diff.stdout).digest('hex').slice(0, DIFF_HASH_CHARS)
      : null,
  };
}

/**
 * Runs a bench's `main` and exits with its code; should something it started keep the process
 * alive after it stopped everything, exits anyway after 5 s.
 */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => {
        process.stdout.write('warning: something kept the process alive after the bench; exiting\n');
        process.exit(code);
      }, 5_000).unref();
    },
    (error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

/** The formatter's line width (biome.json): a results file must pass `biome ci` as written. */
const FORMATTER_LINE_WIDTH = 110;
/** A JSON array of numbers, strings, booleans or nulls that JSON.stringify spread over several lines. */
const MULTILINE_PRIMITIVE_ARRAY =
  /\[\n(?:[ ]*(?:-?[\d.eE+-]+|"(?:[^"\\\n]|\\.)*"|true|false|null),?\n)+[ ]*\]/g;

/** A JSON number, as JSON.stringify writes it. */
const JSON_NUMBER = /^-?[\d.eE+-]+$/;

/**
 * `value` as indented JSON the way the repository's formatter prints it, with a final newline:
 * short arrays of plain values on one line (JSON.stringify puts each item on a line of its own),
 * and longer arrays of numbers filled line by line up to the line width (a timeline).
 */
export function toFormattedJson(value: unknown): string {
  const json = JSON.stringify(value, null, 2).replace(
    MULTILINE_PRIMITIVE_ARRAY,
    (array, offset: number, all: string) => {
      const items = array
        .slice(1, -1)
        .trim()
        .split(/,?\n\s*/);
      const oneLine = `[${items.join(', ')}]`;
      const lineStart = all.lastIndexOf('\n', offset) + 1;
      if (offset - lineStart + oneLine.length + 1 <= FORMATTER_LINE_WIDTH) return oneLine;
      if (!items.every((item) => JSON_NUMBER.test(item))) return array;
      // The closing bracket's line holds the array's own indent.
      const indent = /\n([ ]*)\]$/.exec(array)![1]!;
      return `[\n${fillLines(items, `${indent}  `).join('\n')}\n${indent}]`;
    },
  );
  return `${json}\n`;
}

/** `items` as lines of `indent` and comma-separated items, each line as full as the width allows. */
function fillLines(items: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const next = `${item}${i < items.length - 1 ? ',' : ''}`;
    if (line !== '' && indent.length + line.length + 1 + next.length > FORMATTER_LINE_WIDTH) {
      lines.push(`${indent}${line}`);
      line = '';
    }
    line = line === '' ? next : `${line} ${next}`;
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

/** Latency figures of one scenario, in milliseconds. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles; all zero for no samples. */
export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? 0 };
}

/** A fixed-width text table; the first column is left-aligned, the others right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The value of `--name value` or `--name=value` in `args`; null without the flag. */
export function flagValue(args: readonly string[], name: string): string | null {
  const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index < 0) return null;
  const flag = args[index]!;
  return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : (args[index + 1] ?? '');
}

/** `--name n` as a positive whole number; null without the flag. */
export function countFlag(args: readonly string[], name: string): number | null {
  const value = flagValue(args, name);
  if (value === null) return null;
  const count = Number(value);
  if (!Number.isInteger(count) || count <= 0) throw new Error(`--${name} takes a positive whole number`);
  return count;
}

/**
 * What every results file starts with: the scenario, when, on which code (the commit, and a hash
 * of `git diff HEAD`: equal in two runs on the same uncommitted code), the machine and the database.
 */
export function resultHeader(benchmark: string, synchronous: 'full' | 'normal' = 'full') {
  const revision = gitRevision();
  return {
    benchmark,
    date: new Date().toISOString(),
    commit: revision.commit,
    isWorkingTreeDirty: revision.isDirty,
    workingTreeDiffHash: revision.diffHash,
    machine: machine(),
    database: `embedded (FerretDB with SQLite, synchronous=${synchronous})`,
  };
}
