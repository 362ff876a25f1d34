import type { Ack, CommandMap, ErrorCode } from '@hovor/protocol';
import type { Socket } from 'socket.io';
import type { z } from 'zod/mini';
import { authorizeConversation, overseesAny, type Principal } from '../access/conversation-access.js';
import type { Policy } from '../access/policies.js';
import type { Conversation } from '../conversations/conversation.repository.js';
import type { DbAvailability } from '../db/availability.js';
import { AppError, isDatabaseUnreachable, toAppError } from '../errors.js';
import type { CommandAdmission } from '../limits/admission.js';
import type { RateLimits } from '../limits/rate-limiter.js';
import type { LimitName } from '../limits/rate-limits.js';
import { type Logger, logServerFailure } from '../logger.js';

/**
 * Longest a command may take before it is answered `UNAVAILABLE` (retryable). Work still running
 * then may finish later; the client's retry under the same id finds its result [P5].
 */
export const COMMAND_DEADLINE_MS = 8_000;

/** What a handler learns besides its input: who asked, and the conversation its policy checked. */
export interface CommandContext<Who extends Principal> {
  who: Who;
  /** The conversation named by the input, loaded and authorized [A1]; null when the policy names none. */
  conversation: Conversation | null;
}

type Handler<M extends CommandMap, K extends keyof M, Who extends Principal> = (
  input: z.output<M[K]['input']>,
  context: CommandContext<Who>,
) => Promise<z.output<M[K]['output']>>;

/**
 * [A1] Checks a command's policy for the caller; loads and returns the conversation that a
 * conversation policy names (`conversationId` in the input), so the handler needs no second read.
 */
async function authorize(
  policy: Policy,
  who: Principal,
  input: unknown,
  loadConversation: (id: string) => Promise<Conversation | null>,
): Promise<Conversation | null> {
  if (policy === 'public') return null;
  if (policy === 'visitor' || policy === 'agent') {
    if (who.type !== policy) throw new AppError('FORBIDDEN', 'Not allowed');
    return null;
  }
  if (policy === 'supervisor') {
    if (who.type !== 'agent' || !overseesAny(who.agent)) {
      throw new AppError('FORBIDDEN', 'Only a supervisor or an admin can do this');
    }
    return null;
  }
  const id = (input as { conversationId?: unknown }).conversationId;
  // Only a visitor's sync may name none: it means their own open conversation.
  if (typeof id !== 'string') {
    if (who.type === 'visitor' && policy.conversation === 'visitor') return null;
    throw new AppError('BAD_REQUEST', 'conversationId: required');
  }
  return authorizeConversation(policy.conversation, who, await loadConversation(id));
}

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
 * Each command first spends a point of its rate limit; past it, RATE_LIMITED with `retryAfterMs`
 * at once [A4]. While the database is known to be unreachable, commands answer UNAVAILABLE at
 * once [P14]; while the node already works on as many commands as it admits, UNAVAILABLE with a
 * `retryAfterMs`, at once [A4].
 */
export function registerCommands<M extends CommandMap, Who extends Principal>(
  socket: Socket,
  commands: M,
  handlers: { [K in keyof M]: Handler<M, K, Who> },
  options: {
    /** [A1] Each command's policy, from the one registry (`access/policies.ts`). */
    policies: { [K in keyof M]: Policy };
    /** Who is asking, checked again for each command (an agent's session may have ended). */
    who: () => Promise<Who>;
    loadConversation: (id: string) => Promise<Conversation | null>;
    /** [A4] The limit each command spends (`limits/rate-limits.ts`), counted by `limitKey`. */
    limits: { [K in keyof M]: LimitName };
    limitKey: string;
    rateLimits: Pick<RateLimits, 'consume'>;
    /** [A4] The node's bound on commands in flight. */
    admission: CommandAdmission;
    logger: Logger;
    db: DbAvailability;
    deadlineMs?: number;
  },
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
      try {
        // [A4] Before anything else is done for it, malformed input included.
        await options.rateLimits.consume(options.limits[name], options.limitKey);
      } catch (error) {
        answer(ack, { ok: false, error: toAppError(error).toBody() });
        return;
      }
      // [A4] No room: refused before any parsing, and nothing of it is done.
      const refusal = options.admission.refusal();
      if (refusal) {
        answer(ack, { ok: false, error: refusal });
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
        const input = parsed.data as z.output<M[typeof name]['input']>;
        const work = options.admission.run(async () => {
          const who = await options.who();
          const conversation = await authorize(options.policies[name], who, input, options.loadConversation);
          return handlers[name](input, { who, conversation });
        });
        const data = await withDeadline(work, deadlineMs);
        answer(ack, { ok: true, data });
      } catch (error) {
        if (isDatabaseUnreachable(error)) db.reportUnreachable();
        const appError = toAppError(error);
        logServerFailure(logger, appError, { command: name }, 'command failed');
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

/**
 * [A4] Runs a namespace's handshake checks within the node's bound on handshakes in flight, then
 * admits the socket or refuses it with the error's code: past the bound `UNAVAILABLE` with a
 * retry-after at once, before any read; a server failure is logged (a client's mistake is not).
 */
export function admitHandshake(
  handshakes: Pick<CommandAdmission, 'run'>,
  check: () => Promise<void>,
  next: (error?: Error) => void,
  deps: { db: DbAvailability; logger: Logger },
): void {
  handshakes.run(check).then(
    () => next(),
    (error: unknown) => {
      if (isDatabaseUnreachable(error)) deps.db.reportUnreachable();
      const refusal = handshakeError(error);
      logServerFailure(deps.logger, { ...refusal.data, cause: error }, {}, 'handshake failed');
      next(refusal);
    },
  );
}

/** [P14] A handshake while the database is known to be down is refused as retryable at once. */
export function refuseWhileDatabaseDown(db: DbAvailability): void {
  if (db.isDown()) throw new AppError('UNAVAILABLE', 'The database is unavailable; retry shortly');
}
