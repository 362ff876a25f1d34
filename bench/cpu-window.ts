import { performance } from 'node:perf_hooks';
import { cpuSeconds, machineBusySeconds } from './proc.js';

/**
 * The cores each process used over a window of a bench: the server processes, the database, this
 * process (the load generator), and every other process of the machine (a test run beside the
 * bench skews its figures: `others` shows it).
 */
export interface CoresUsed {
  seconds: number;
  server: number;
  database: number | null;
  generator: number;
  others: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function generatorCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Starts measuring now; `end()` returns the average cores used since. */
export function startCpuWindow(pids: { servers: readonly number[]; database: number | null }): {
  end(): CoresUsed;
} {
  const read = () => ({
    at: performance.now(),
    server: pids.servers.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    database: pids.database === null ? 0 : cpuSeconds(pids.database),
    generator: generatorCpuSeconds(),
    machine: machineBusySeconds(),
  });
  const before = read();
  return {
    end() {
      const after = read();
      const seconds = Math.max(1e-3, (after.at - before.at) / 1000);
      const used = {
        server: after.server - before.server,
        database: after.database - before.database,
        generator: after.generator - before.generator,
      };
      const others = after.machine - before.machine - used.server - used.database - used.generator;
      return {
        seconds: round2(seconds),
        server: round2(used.server / seconds),
        database: pids.database === null ? null : round2(used.database / seconds),
        generator: round2(used.generator / seconds),
        others: round2(Math.max(0, others) / seconds),
      };
    },
  };
}
