import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON logs; secrets and message bodies are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'hovor' },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'text', '*.text', 'cookie', '*.cookie'],
      censor: '[redacted]',
    },
  });
}

/**
 * Logs a failure that is the server's, not the client's: INTERNAL at error level with its cause
 * (and stack); UNAVAILABLE (busy, the database away) at warn with its reason only, since under load
 * there may be thousands and the stack says nothing new. Client mistakes (BAD_REQUEST, FORBIDDEN,
 * NOT_FOUND, RATE_LIMITED, …) are answered, not logged: anyone could fill the log with them.
 */
export function logServerFailure(
  logger: Logger,
  error: { code: string; message: string; cause?: unknown },
  context: Record<string, unknown>,
  message: string,
): void {
  if (error.code === 'INTERNAL')
    logger.error({ err: error.cause ?? error, code: error.code, ...context }, message);
  else if (error.code === 'UNAVAILABLE')
    logger.warn({ code: error.code, reason: error.message, ...context }, message);
}
