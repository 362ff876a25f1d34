import { type ChartSeries, renderChart } from './chart.js';
import type { RunResult } from './chat-start-analysis.js';
import { formatTable } from './stats.js';

/** The chat-starts bench's progress lines, table and chart. */

const codes = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ') || 'none';

/** One run as a line of progress. */
export function describeRun(r: RunResult, setupSec: number): string {
  return (
    `  ${r.assigned}/${r.chats} assigned, p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} max ${r.latencyMs.max} ms, ` +
    `${r.assignedPerSec} assigned/s, longest stall ${r.longestStall.seconds} s, error acks ${codes(r.errors)}, ` +
    `server ${r.cores.server} db ${r.cores.database} generator ${r.cores.generator} ` +
    `other processes ${r.cores.others} cores (setup ${setupSec.toFixed(0)} s)`
  );
}

export function runTable(results: readonly RunResult[]): string {
  return formatTable(
    [
      'run',
      'chats',
      'assigned',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'assigned/s',
      'peak/s',
      'stall s',
      'max waiting',
      'error acks',
      'never',
      'srv cores',
      'db cores',
      'gen cores',
      'other cores',
    ],
    results.map((r) => [
      r.name,
      String(r.chats),
      String(r.assigned),
      ...[r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99, r.latencyMs.max].map((n) => n.toFixed(0)),
      r.assignedPerSec.toFixed(1),
      String(r.peakAssignedPerSec),
      r.longestStall.seconds.toFixed(2),
      String(r.maxWaiting),
      codes(r.errors),
      String(r.neverAssigned),
      r.cores.server.toFixed(2),
      r.cores.database === null ? '-' : r.cores.database.toFixed(2),
      r.cores.generator.toFixed(2),
      r.cores.others.toFixed(2),
    ]),
  );
}

/**
 * Against the steady rate (one node): the share of chats assigned within the wait and the latency
 * percentiles of those assigned; and the busiest steady run over time: chats started and assigned
 * per second, and chats waiting.
 */
export function chatStartsChart(results: readonly RunResult[], subtitle: string, waitMs: number): string {
  const steady = results.filter((r) => r.nodes === 1 && r.offeredPerSec !== null);
  const busiest = steady.reduce<RunResult | null>(
    (top, r) => (top === null || r.offeredPerSec! > top.offeredPerSec! ? r : top),
    null,
  );
  const percentile = (name: string, pick: (r: RunResult) => number): ChartSeries => ({
    name,
    points: steady.map((r) => [r.offeredPerSec!, Math.max(1, pick(r))] as const),
  });
  const perSecond = (values: readonly number[]) => values.map((v, i) => [i + 0.5, v] as const);
  const timeAxis = {
    label: `seconds from the first start (${busiest?.name ?? '-'})`,
    scale: 'linear',
  } as const;
  return renderChart({
    title: 'Chat starts: start → assigned, open-loop arrivals',
    subtitle,
    panelWidth: 400,
    panels: [
      {
        title: 'Assigned within the wait (1 node)',
        x: { label: 'new chats per second (log)', scale: 'log' },
        y: { label: `chats assigned within ${waitMs / 1000} s (%)`, scale: 'linear', min: 0, max: 100 },
        series: [
          {
            name: `assigned within ${waitMs / 1000} s`,
            points: steady.map((r) => [r.offeredPerSec!, (100 * r.assigned) / Math.max(1, r.chats)] as const),
          },
        ],
      },
      {
        title: 'Latency of the chats assigned (1 node)',
        x: { label: 'new chats per second (log)', scale: 'log' },
        y: { label: 'start → assigned (ms, log)', scale: 'log' },
        series: [
          percentile('p50', (r) => r.latencyMs.p50),
          percentile('p95', (r) => r.latencyMs.p95),
          percentile('p99', (r) => r.latencyMs.p99),
        ],
      },
      {
        title: 'Started and assigned per second',
        x: timeAxis,
        y: { label: 'chats per second', scale: 'linear' },
        series: busiest
          ? [
              { name: 'started/s', points: perSecond(busiest.timeline.startedPerSec) },
              { name: 'assigned/s', points: perSecond(busiest.timeline.assignedPerSec) },
            ]
          : [],
      },
      {
        title: 'Chats waiting for an agent',
        x: timeAxis,
        y: { label: 'chats waiting (end of each second)', scale: 'linear' },
        series: busiest
          ? [
              {
                name: 'waiting',
                color: '#555555',
                points: busiest.timeline.waitingAtEnd.map((v, i) => [i + 1, v] as const),
              },
            ]
          : [],
      },
    ],
  });
}
