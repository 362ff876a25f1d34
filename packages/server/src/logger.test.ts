import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { logServerFailure } from './logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('logServerFailure', () => {
  it('logs an internal failure with its cause, a busy server without a stack, and a client’s mistakes not at all', () => {
    const { logger, lines } = capture();
    logServerFailure(
      logger,
      new AppError('INTERNAL', 'Internal error', { cause: new Error('boom') }),
      { command: 'x' },
      'failed',
    );
    logServerFailure(logger, new AppError('UNAVAILABLE', 'The server is busy; retry shortly'), {}, 'failed');
    for (const code of [
      'BAD_REQUEST',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'RATE_LIMITED',
    ] as const) {
      logServerFailure(logger, new AppError(code, 'nope'), {}, 'failed');
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 50, code: 'INTERNAL', command: 'x', err: { message: 'boom' } });
    expect(JSON.stringify(lines[0])).toContain('boom');
    expect(lines[1]).toMatchObject({
      level: 40,
      code: 'UNAVAILABLE',
      reason: 'The server is busy; retry shortly',
    });
    expect(lines[1]).not.toHaveProperty('err');
  });
});
