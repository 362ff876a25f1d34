import type { Ack, CommandMap, ErrorCode } from '@hovor/protocol';
import type { Socket } from 'socket.io';
import type { z } from 'zod/mini';
import type { DbAvailability } from '../db/availability.js';
import { AppError, isDatabaseUnreachable, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Longest a command may take before it is answered `UNAVAILABLE` (retryable). Work still running
 * then may finish later; the client's retry under the same id finds its result [P5].
 */
export const COMMAND_DEADLINE_MS = 8_000;

type Handler<M extends CommandMap, K extends keyof M> = (
  input: z.output<M[K]['input']>,
) => Promise<z.output<M[K]['output']>>;

/** Describes the first schema issues for a BAD_REQUEST message, without echoing values. */
export function describeIssues(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(input)'}: ${issue.message}`)
    .join('; ');
}

/** Settles with the handler's result, or rejects UNAVAILABLE once the deadline passes. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AppError('UNAVAILABLE', 'The server is busy; retry shortly')), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Registers the commands of a namespace on a socket: each input is parsed by its schema
 * before the handler runs, and every outcome is acked as `Ack<T>`. Unknown events and
 * events without an ack callback get BAD_REQUEST (when they can be answered) and change nothing.
 * While the database is known to be unreachable, commands answer UNAVAILABLE at once [P14].
 */
export function registerCommands<M extends CommandMap>(
  socket: Socket,
  commands: M,
  handlers: { [K in keyof M]: Handler<M, K> },
  options: { logger: Logger; db: DbAvailability; deadlineMs?: number },
): void {
  const { logger, db } = options;
  const deadlineMs = options.deadlineMs ?? COMMAND_DEADLINE_MS;
  const answer = (ack: unknown, result: Ack<unknown>) => {
    if (typeof ack === 'function') ack(result);
  };
  const fail = (ack: unknown, code: ErrorCode, message: string) =>
    answer(ack, { ok: false, error: { code, message } });

  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && Object.hasOwn(commands, event)) return;
    fail(args.at(-1), 'BAD_REQUEST', `Unknown command "${String(event).slice(0, 40)}"`);
  });

  for (const name of Object.keys(commands) as Array<keyof M & string>) {
    const command = commands[name]!;
    socket.on(name as string, async (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function' || args.length !== 2) {
        fail(ack, 'BAD_REQUEST', `"${name}" takes one input and an ack callback`);
        return;
      }
      const parsed = command.input.safeParse(args[0]);
      if (!parsed.success) {
        fail(ack, 'BAD_REQUEST', describeIssues(parsed.error));
        return;
      }
      if (db.isDown()) {
        fail(ack, 'UNAVAILABLE', 'The database is unavailable; retry shortly');
        return;
      }
      try {
        const work = handlers[name](parsed.data as z.output<M[typeof name]['input']>);
        const data = await withDeadline(work, deadlineMs);
        answer(ack, { ok: true, data });
      } catch (error) {
        if (isDatabaseUnreachable(error)) db.reportUnreachable();
        const appError = toAppError(error);
        if (appError.code === 'INTERNAL' || appError.code === 'UNAVAILABLE') {
          logger.error(
            { err: appError.cause ?? appError, code: appError.code, command: name },
            'command failed',
          );
        }
        answer(ack, { ok: false, error: appError.toBody() });
      }
    });
  }
}

/** The Error a namespace middleware passes to `next()` so the client sees `err.data = {code, message}`. */
export function handshakeError(error: unknown): Error & { data: { code: ErrorCode; message: string } } {
  const appError = error instanceof AppError ? error : toAppError(error);
  return Object.assign(new Error(appError.message), { data: appError.toBody() });
}

/** [P14] A handshake while the database is known to be down is refused as retryable at once. */
export function refuseWhileDatabaseDown(db: DbAvailability): void {
  if (db.isDown()) throw new AppError('UNAVAILABLE', 'The database is unavailable; retry shortly');
}
