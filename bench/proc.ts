import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * What Linux's `/proc` tells about another process: its CPU time and memory, so a bench can
 * charge each process (server, database) for its own work. Linux only.
 */

/** Clock ticks per second of `/proc/<pid>/stat`'s times; 100 on every common kernel. */
const FALLBACK_CLOCK_TICKS_PER_SEC = 100;
/** `utime` and `stime` are fields 14 and 15 of `stat`; counted here from field 3, after `(comm)`. */
const UTIME_INDEX_AFTER_COMM = 11;
const STIME_INDEX_AFTER_COMM = 12;
const PPID_INDEX_AFTER_COMM = 1;

let clockTicksPerSec: number | undefined;

function ticksPerSec(): number {
  if (clockTicksPerSec === undefined) {
    const answer = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    clockTicksPerSec = Number.isInteger(answer) && answer > 0 ? answer : FALLBACK_CLOCK_TICKS_PER_SEC;
  }
  return clockTicksPerSec;
}

/** The fields of `/proc/<pid>/stat` after the command name (which may itself hold spaces and parentheses). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time the process has used so far, user and system together, in seconds. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[UTIME_INDEX_AFTER_COMM]) + Number(fields[STIME_INDEX_AFTER_COMM])) / ticksPerSec();
}

/**
 * CPU time the whole machine has been busy so far, all cores together, in seconds: everything
 * but idle and I/O wait in `/proc/stat`'s first line (user nice system idle iowait irq softirq steal …).
 */
export function machineBusySeconds(): number {
  const firstLine = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = firstLine.trim().split(/\s+/).slice(1).map(Number);
  return (
    [user, nice, system, irq, softirq, steal].reduce<number>((sum, n) => sum + (n ?? 0), 0) / ticksPerSec()
  );
}

/** The process's resident memory now, in bytes. */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** The ids of this process's own children whose command name is `name` (at most 15 characters). */
export function childPidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === name && Number(statFields(Number(entry))[PPID_INDEX_AFTER_COMM]) === process.pid) {
        pids.push(Number(entry));
      }
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return pids;
}

/** The soft limit of open files (`ulimit -n`) of a process, or of this one; null if unlimited or unknown. */
export function openFilesLimit(pid: number | 'self' = 'self'): number | null {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return match && match[1] !== 'unlimited' ? Number(match[1]) : null;
}

/** How many files (sockets included) a process, or this one, has open now. */
export function openFiles(pid: number | 'self' = 'self'): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
