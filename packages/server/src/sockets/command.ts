import type { Ack, CommandMap, ErrorCode } from '@hovor/protocol';
import type { Socket } from 'socket.io';
import type { z } from 'zod/mini';
import { AppError, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';

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

/**
 * Registers the commands of a namespace on a socket: each input is parsed by its schema
 * before the handler runs, and every outcome is acked as `Ack<T>`. Unknown events and
 * events without an ack callback get BAD_REQUEST (when they can be answered) and change nothing.
 */
export function registerCommands<M extends CommandMap>(
  socket: Socket,
  commands: M,
  handlers: { [K in keyof M]: Handler<M, K> },
  logger: Logger,
): void {
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
      try {
        const data = await handlers[name](parsed.data as z.output<M[typeof name]['input']>);
        answer(ack, { ok: true, data });
      } catch (error) {
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
