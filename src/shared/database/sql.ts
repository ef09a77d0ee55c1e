import type { EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows whatever the command. (TypeORM's `query` answers UPDATE/DELETE …
 * RETURNING with `[rows, count]` but INSERT/SELECT with `rows`; this hides the difference.)
 */
export async function sqlRows<T = Record<string, unknown>>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = manager.queryRunner;
  if (runner && !runner.isReleased) return (await runner.query(sql, params, true)).records as T[];
  const own = manager.connection.createQueryRunner();
  try {
    return (await own.query(sql, params, true)).records as T[];
  } finally {
    await own.release();
  }
}
