import { createRequire } from 'node:module';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { AppError, BUSY_RETRY_AFTER_MS, isDatabaseUnreachable, toAppError } from './errors.js';

/** The pool's errors: the driver throws them but does not export them, so they come from its file. */
type PoolError = new (pool: { address: string }) => Error;
const poolErrors = createRequire(import.meta.url)('mongodb/lib/cmap/errors.js') as Record<
  'PoolClearedError' | 'PoolClearedOnNetworkError' | 'PoolClosedError',
  PoolError
> & { WaitQueueTimeoutError: new (message: string, address: string) => Error };

/** A socket error as Node raises it, e.g. writing to a connection the other side ended. */
function socketError(code: string): Error {
  return Object.assign(new Error('This socket has been ended by the other party'), { code });
}

describe('errors', () => {
  it('[P14] answers UNAVAILABLE for a database that cannot be reached, however the driver says it', () => {
    for (const error of [
      new MongoNetworkError('connection closed'),
      socketError('EPIPE'),
      socketError('ECONNRESET'),
      socketError('ECONNREFUSED'),
    ]) {
      expect(isDatabaseUnreachable(error)).toBe(true);
      expect(toAppError(error).code).toBe('UNAVAILABLE');
      expect(isDatabaseUnreachable(new AppError('INTERNAL', 'wrapped', { cause: error }))).toBe(true);
    }
  });

  it('[P14] answers UNAVAILABLE for a command that waited for a connection when the pool was cleared or closed', () => {
    const pool = { address: '127.0.0.1:27017' };
    for (const PoolErrorClass of [
      poolErrors.PoolClearedError,
      poolErrors.PoolClearedOnNetworkError,
      poolErrors.PoolClosedError,
    ]) {
      const error = new PoolErrorClass(pool);
      expect(isDatabaseUnreachable(error)).toBe(true);
      expect(toAppError(error).code).toBe('UNAVAILABLE');
    }
  });

  it('[A4] answers UNAVAILABLE with a retry-after when every pooled connection stayed busy for the wait-queue timeout', () => {
    const error = new poolErrors.WaitQueueTimeoutError(
      'Timed out while checking out a connection from connection pool',
      '127.0.0.1:27017',
    );
    expect(error.name).toBe('MongoWaitQueueTimeoutError');
    expect(isDatabaseUnreachable(error)).toBe(false);
    expect(toAppError(error).toBody()).toEqual({
      code: 'UNAVAILABLE',
      message: 'The server is busy; retry shortly',
      retryAfterMs: BUSY_RETRY_AFTER_MS,
    });
  });

  it('answers INTERNAL, without the details, for anything else', () => {
    for (const error of [
      new Error('bug'),
      new MongoServerError({ message: 'bad', code: 2 }),
      socketError('ENOENT'),
      'text',
    ]) {
      expect(isDatabaseUnreachable(error)).toBe(false);
      expect(toAppError(error).toBody()).toEqual({ code: 'INTERNAL', message: 'Internal error' });
    }
    expect(toAppError(new AppError('CONFLICT', 'closed')).code).toBe('CONFLICT');
  });
});
