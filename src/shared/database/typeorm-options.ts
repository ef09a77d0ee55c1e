import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppEnv } from '../../config/env.schema';
import { BoundedClient } from './bounded-client';

/**
 * The single source of TypeORM options, used by AppModule and by ormconfig.ts (the CLI's DataSource).
 * `synchronize` and `migrationsRun` are off everywhere: schema changes only by reviewed migration.
 */
export function buildTypeOrmOptions(
  env: Pick<
    AppEnv,
    | 'DATABASE_URL'
    | 'DATABASE_POOL_SIZE'
    | 'DATABASE_CONNECT_TIMEOUT_MS'
    | 'DATABASE_STATEMENT_TIMEOUT_MS'
    | 'DATABASE_LONG_STATEMENT_TIMEOUT_MS'
  >,
  purpose: 'app' | 'migrations' = 'app',
): DataSourceOptions {
  if (!env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not resolved yet (the embedded PostgreSQL must be started first)');
  }
  const root = join(__dirname, '..', '..');
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    // No entities: repositories speak SQL (docs/architecture.md); TypeORM is the DataSource and migration runner.
    entities: [],
    migrations: [join(root, 'database', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // pg-pool's connectionTimeoutMillis bounds both a new connection and the wait for a free one.
    // Every statement is bounded on the client (BoundedClient: a silent network answers nothing, and
    // the connection is discarded) and on the server (statement_timeout, the long bound: a backstop
    // for a runaway statement whose client went away). Keepalive finds a peer that vanished between
    // statements.
    extra: {
      max: env.DATABASE_POOL_SIZE,
      application_name: 'roster',
      connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT_MS,
      Client: BoundedClient,
      roster_statement_bound_ms:
        purpose === 'migrations' ? env.DATABASE_LONG_STATEMENT_TIMEOUT_MS : env.DATABASE_STATEMENT_TIMEOUT_MS,
      roster_long_statement_bound_ms: env.DATABASE_LONG_STATEMENT_TIMEOUT_MS,
      statement_timeout: env.DATABASE_LONG_STATEMENT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    },
    // TypeORM's error logging prints the failed query WITH its parameters — userNames, emails, raw
    // SCIM bodies on every 409 an IdP retry provokes. Failures still reach the exception filters,
    // which log unexpected ones without parameters.
    logging: false,
  };
}
