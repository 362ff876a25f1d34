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
