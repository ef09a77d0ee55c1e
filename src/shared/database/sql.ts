import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The node-pg pool under TypeORM's DataSource (for work that goes around TypeORM's QueryRunner). */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

/**
 * Server-side prepared statements for the statements this process runs often. Planning is most of
 * PostgreSQL's work for Roster's short queries (a SCIM list with its groups subquery: 0.43 ms per
 * call unprepared, 0.14 ms prepared — pgbench, one client), so a statement seen a few times gets a
 * name and node-pg prepares it once per connection. Bounded: SQL built from filters can take many
 * shapes, and every name costs memory in every backend, so only the first MAX_NAMED frequent texts
 * are named; the rest run unnamed as before.
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
 * Runs SQL and returns its rows whatever the command. (TypeORM's `query` answers UPDATE/DELETE …
 * RETURNING with `[rows, count]` but INSERT/SELECT with `rows`; this hides the difference.)
 *
 * Inside a transaction the statement runs on the transaction's connection; outside one it goes
 * straight to the pool — either way as a prepared statement when it is a frequent one: the hot
 * SCIM paths (create, get, filter) are single statements outside transactions, where TypeORM's
 * per-query QueryRunner (create, connect, broadcast, release) cost more than the query's own round
 * trip, and the writes (PUT, PATCH, DELETE) a few statements in one transaction. Errors are the
 * driver's (`code`, `constraint`), as TypeORM's QueryFailedError carries them in `driverError`.
 */
export async function sqlRows<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner: (QueryRunner & { databaseConnection?: PoolClient }) | undefined = manager.queryRunner;
  // Inside a transaction: on the transaction's own connection, prepared there too (a SCIM PATCH is
  // six statements in one transaction; TypeORM's runner.query would parse and plan each every time).
  const client: Pool | PoolClient | undefined =
    runner && !runner.isReleased ? runner.databaseConnection : pgPool(manager.connection);
  if (!client) return (await runner!.query(sql, params, true)).records as T[];
  return (await client.query<T & object>({ text: sql, values: params, name: preparedStatementName(sql) })).rows;
}
