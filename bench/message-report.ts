import { renderChart } from './chart.js';
import type { Accounting } from './message-accounting.js';
import { KNEE_ACK_P99_MS, type OverloadRun, type SystemResult } from './message-analysis.js';
import type { StepResult } from './message-steps.js';
import { formatTable } from './stats.js';

/** The messages bench's tables, sentences and chart. */

const ms = (n: number | null | undefined) => (n === null || n === undefined ? '-' : n.toFixed(2));
const errorCount = (step: StepResult) => Object.values(step.errors).reduce((sum, e) => sum + e.count, 0);

/** One step as a line of progress. */
export function describeStep(system: string, step: StepResult, isGeneratorBound: boolean): string {
  const errors = Object.entries(step.errors).map(([code, e]) => `${code} ${e.count}`);
  return (
    `  ${system} ${step.phase}: sent ${step.sentPerSec}/s, goodput ${step.goodputPerSec}/s, ` +
    `ack p50 ${step.ackMs.p50} p99 ${step.ackMs.p99} ms, delivery p99 ${step.deliveryMs.p99} ms, ` +
    `errors ${errors.join(', ') || 'none'}, unacked ${step.unacked}, drain ${step.drainMs} ms, ` +
    `other processes ${step.cores.others} cores${isGeneratorBound ? ' [generator-bound]' : ''}`
  );
}

/** Every step of a system, one row each. */
export function stepTable(system: SystemResult): string {
  const header = [
    'offered/s',
    'sent/s',
    'goodput/s',
    'ack p50',
    'p95',
    'p99',
    'max',
    'errors',
    'unacked',
    'deliv p99',
    'srv ms/msg',
    'db ms/msg',
    'srv cores',
    'db cores',
    'gen cores',
    'other cores',
    'srv MB',
    'agent evts/msg',
  ];
  const rows = system.steps.map((s) => [
    String(s.offeredPerSec),
    String(s.sentPerSec),
    String(s.goodputPerSec),
    ...[s.ackMs.p50, s.ackMs.p95, s.ackMs.p99, s.ackMs.max].map(String),
    String(errorCount(s)),
    String(s.unacked),
    String(s.deliveryMs.p99),
    ms(s.cpuMsPerMessage.server),
    ms(s.cpuMsPerMessage.database),
    s.cores.server.toFixed(2),
    s.cores.database === null ? '-' : s.cores.database.toFixed(2),
    s.cores.generator.toFixed(2),
    s.cores.others.toFixed(2),
    s.serverRssMb.toFixed(0),
    String(s.otherAgentEventsPerMessage),
  ]);
  return formatTable(header, rows);
}

/**
 * Knee, saturation, and CPU per message (all of it, and above the idle cost) at the knee, or at the
 * sustained rate when there is no knee; idle CPU, per system.
 */
export function summaryTable(systems: readonly SystemResult[]): string {
  return formatTable(
    [
      'system',
      'knee msg/s',
      'limited by',
      'sustained msg/s',
      'saturation msg/s',
      'CPU at',
      'server ms/msg',
      'DB ms/msg',
      'above idle: server',
      'DB',
      'idle cores: server',
      'DB',
    ],
    systems.map((s) => {
      const at = s.knee?.step ?? s.sustained;
      return [
        s.name,
        s.knee ? String(s.knee.ratePerSec) : 'none',
        s.knee?.limitedBy ?? '-',
        s.sustained ? String(s.sustained.offeredPerSec) : 'none',
        String(s.saturationPerSec),
        at ? `${s.knee ? 'knee' : 'sustained'} ${at.offeredPerSec}/s` : '-',
        ms(at?.cpuMsPerMessage.server),
        ms(at?.cpuMsPerMessage.database),
        ms(at?.cpuMsPerMessageAboveIdle.server),
        ms(at?.cpuMsPerMessageAboveIdle.database),
        ms(s.idle.server),
        ms(s.idle.database),
      ];
    }),
  );
}

export function overloadLine(run: OverloadRun): string {
  const s = run.step;
  const ofKnee = run.goodputPctOfKnee === null ? '' : `${run.goodputPctOfKnee} % of the knee's, `;
  return (
    `overload ${run.label} (${run.ratePerSec}/s): goodput ${s.goodputPerSec}/s = ${ofKnee}` +
    `${run.goodputPctOfSaturation} % of saturation; OK ack p99 ${s.okAckP99Ms ?? '-'} ms, error ack p99 ` +
    `${s.errorAckP99Ms ?? '-'} ms, errors ${JSON.stringify(s.errors)}, unacked ${s.unacked}`
  );
}

export function accountingLine(label: string, a: Accounting): string {
  return (
    `  ${label}: sent ${a.sent}, OK ${a.ok}, refused ${a.refused}, unanswered ${a.unanswered}; ` +
    `stored ${a.stored} (stored − OK ${a.storedMinusOk}, refused but stored ${a.refusedButStored}, ` +
    `unanswered but stored ${a.unansweredButStored}, OK but missing ${a.okButNotStored}, ` +
    `duplicates ${a.storedDuplicates}); refused but delivered ${a.refusedButDelivered}`
  );
}

/** Ack p99 and goodput against the offered rate, every system in both panels. */
export function throughputChart(
  systems: readonly SystemResult[],
  offeredPerSec: readonly number[],
  subtitle: string,
): string {
  const offeredAxis = { label: 'offered rate (messages/s, log)', scale: 'log' } as const;
  const pointsOf = (system: SystemResult, y: (step: StepResult) => number) =>
    system.steps.map((step) => [step.offeredPerSec, y(step)] as const);
  return renderChart({
    title: `Message throughput: Hovor beside a bare Socket.IO relay (open loop)`,
    subtitle,
    panels: [
      {
        title: 'Ack latency, p99',
        x: offeredAxis,
        y: { label: 'ack p99 (ms, log)', scale: 'log' },
        series: systems.map((s) => ({ name: s.name, points: pointsOf(s, (step) => step.ackMs.p99) })),
        guides: [{ y: KNEE_ACK_P99_MS, label: `knee: p99 < ${KNEE_ACK_P99_MS} ms` }],
      },
      {
        title: 'Goodput (OK acks per second)',
        x: offeredAxis,
        y: { label: 'goodput (messages/s, log)', scale: 'log' },
        series: [
          ...systems.map((s) => ({ name: s.name, points: pointsOf(s, (step) => step.goodputPerSec) })),
          { name: 'goodput = offered', points: offeredPerSec.map((r) => [r, r] as const), isReference: true },
        ],
      },
    ],
  });
}
