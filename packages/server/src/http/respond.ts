import type { Ack } from '@hovor/protocol';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod/mini';
import { AppError, HTTP_STATUS, toAppError } from '../errors.js';
import { type Logger, logServerFailure } from '../logger.js';
import { describeIssues } from '../sockets/command.js';

/** Parses a request part with a protocol schema, or throws BAD_REQUEST. */
export function parse<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError('BAD_REQUEST', describeIssues(result.error));
  return result.data as z.output<S>;
}

/** Wraps an async route: its result is sent as `{ ok: true, data }`, a throw goes to the error middleware. */
export function route<T>(handler: (req: Request, res: Response) => Promise<T>): RequestHandler {
  return (req, res, next) => {
    handler(req, res).then(
      (data) => {
        if (!res.headersSent) res.json({ ok: true, data } satisfies Ack<T>);
      },
      (error: unknown) => next(error),
    );
  };
}

/** The last middleware: every error leaves as `{ ok: false, error }` with its HTTP status. */
export function errorMiddleware(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const appError = bodyParserError(error) ?? toAppError(error);
    logServerFailure(logger, appError, {}, 'request failed');
    if (res.headersSent) return;
    // [A4] In whole seconds, rounded up: never earlier than the body's retryAfterMs.
    if (appError.retryAfterMs !== undefined)
      res.setHeader('Retry-After', String(Math.ceil(appError.retryAfterMs / 1000)));
    res.status(HTTP_STATUS[appError.code]).json({ ok: false, error: appError.toBody() } satisfies Ack<never>);
  };
}

/** express.json() errors: malformed or oversized bodies are the client's fault. */
function bodyParserError(error: unknown): AppError | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  const type = (error as { type: unknown }).type;
  if (type === 'entity.too.large') return new AppError('BAD_REQUEST', 'Request body too large');
  if (type === 'entity.parse.failed') return new AppError('BAD_REQUEST', 'Request body is not valid JSON');
  if (typeof type === 'string' && type.startsWith('encoding.'))
    return new AppError('BAD_REQUEST', 'Unsupported body encoding');
  return null;
}
