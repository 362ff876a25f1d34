import type { Db } from 'mongodb';

/** Readiness probe of the database: a ping bounded in time. */
export function createDbHealth(db: Db, timeoutMs: number) {
  return {
    async isReachable(): Promise<boolean> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ping = db.command({ ping: 1 }).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([ping, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
export type DbHealth = ReturnType<typeof createDbHealth>;
