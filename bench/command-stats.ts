/**
 * What a Hovor node asks of its database, summed by the command's shape: the command, the
 * collection and the filter's field names (values left out). Recorded from the driver's command
 * monitoring when BENCH_DB_COMMANDS names a directory; written there as `commands-<pid>.txt` when
 * the node stops, the shapes that took longest first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandStartedEvent, CommandSucceededEvent, MongoClient } from '@hovor/server/testing';

type Shape = { count: number; totalMs: number; maxMs: number; docs: number };

/** `find conversations {siteId,state,departmentId} sort {priority,queuedAt}`: one line per shape. */
function shapeOf(event: CommandStartedEvent): string {
  const command = event.command as Record<string, unknown>;
  const name = event.commandName;
  const collection = String(command[name] ?? '');
  const keys = (value: unknown) =>
    value && typeof value === 'object' ? `{${Object.keys(value).join(',')}}` : '';
  const filter =
    command.filter ?? command.query ?? (Array.isArray(command.updates) ? command.updates[0]?.q : undefined);
  const deletes = Array.isArray(command.deletes) ? command.deletes[0]?.q : undefined;
  const parts = [name, collection, keys(filter ?? deletes)];
  if (command.sort) parts.push(`sort ${keys(command.sort)}`);
  if (command.limit) parts.push('limit');
  if (Array.isArray(command.documents)) parts.push(`${command.documents.length > 1 ? 'many' : 'one'}`);
  return parts.filter(Boolean).join(' ');
}

function docsOf(event: CommandSucceededEvent): number {
  const reply = event.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] }; n?: number };
  return reply.cursor?.firstBatch?.length ?? reply.cursor?.nextBatch?.length ?? reply.n ?? 0;
}

/** Starts recording `client`'s commands (it must be connected with `monitorCommands`). */
export function recordCommandStats(client: MongoClient, dir: string): { write(): void } {
  const started = new Map<number, string>();
  const shapes = new Map<string, Shape>();
  client.on('commandStarted', (event) => started.set(event.requestId, shapeOf(event)));
  const finish = (event: { requestId: number; duration: number }, docs: number) => {
    const shape = started.get(event.requestId);
    if (shape === undefined) return;
    started.delete(event.requestId);
    const entry = shapes.get(shape) ?? { count: 0, totalMs: 0, maxMs: 0, docs: 0 };
    entry.count++;
    entry.totalMs += event.duration;
    entry.maxMs = Math.max(entry.maxMs, event.duration);
    entry.docs += docs;
    shapes.set(shape, entry);
  };
  client.on('commandSucceeded', (event) => finish(event, docsOf(event)));
  client.on('commandFailed', (event) => finish(event, 0));
  return {
    write() {
      const rows = [...shapes.entries()].sort((a, b) => b[1].totalMs - a[1].totalMs);
      const total = rows.reduce((sum, [, s]) => sum + s.count, 0);
      const lines = [
        `${total} commands; by shape, longest total first (ms summed over concurrent commands)`,
        'count   total ms   mean ms   max ms   docs/cmd  shape',
        ...rows.map(([shape, s]) =>
          [
            String(s.count).padStart(5),
            s.totalMs.toFixed(0).padStart(10),
            (s.totalMs / s.count).toFixed(1).padStart(9),
            s.maxMs.toFixed(0).padStart(8),
            (s.docs / s.count).toFixed(1).padStart(10),
            ` ${shape}`,
          ].join(' '),
        ),
      ];
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `commands-${process.pid}.txt`), `${lines.join('\n')}\n`);
    },
  };
}
