import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The node-pg pool under TypeORM's DataSource (for work that goes around TypeORM's QueryRunner). */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

/**
 * The prepared-statement name of a frequent SQL text, else undefined: planning is most of
 * PostgreSQL's work for Roster's short queries (docs/performance.md). Bounded, because filter SQL
 * takes many shapes and every name costs memory in every backend: only MAX_NAMED texts get one.
 */
const MAX_NAMED = 128;
const NAME_AFTER_USES = 3;
const MAX_COUNTED = 2048;
const names = new Map<string, string>();
const uses = new Map<string, number>();

export function preparedStatementName(sql: string): string | undefined {
  const name = names.get(sql);
  if (name !== undefined || names.size >= MAX_NAMED) return name;
  const n = (uses.get(sql) ?? 0) + 1;
  if (n < NAME_AFTER_USES) {
    if (uses.size >= MAX_COUNTED) uses.clear();
    uses.set(sql, n);
    return undefined;
  }
  uses.delete(sql);
  const fresh = `roster_${names.size + 1}`;
  names.set(sql, fresh);
  return fresh;
}

/**
 * Runs SQL and returns its rows whatever the command (TypeORM's `query` answers UPDATE … RETURNING
 * with `[rows, count]`). On the transaction's connection inside one, else straight on the pool — a
 * QueryRunner per statement costs more than the round trip (docs/performance.md) — and prepared
 * when frequent. Errors are the driver's (`code`, `constraint`), as in QueryFailedError.driverError.
 */
export async function sqlRows<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner: (QueryRunner & { databaseConnection?: PoolClient }) | undefined = manager.queryRunner;
  // Inside a transaction: its own connection, where runner.query would plan every statement again.
  const client: Pool | PoolClient | undefined =
    runner && !runner.isReleased ? runner.databaseConnection : pgPool(manager.connection);
  if (!client) return (await runner!.query(sql, params, true)).records as T[];
  return (await client.query<T & object>({ text: sql, values: params, name: preparedStatementName(sql) })).rows;
}
