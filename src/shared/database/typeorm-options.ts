import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppEnv } from '../../config/env.schema';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The single source of TypeORM options, used by AppModule and by ormconfig.ts (the CLI's DataSource).
 * `synchronize` and `migrationsRun` are off everywhere: schema changes only by reviewed migration.
 */
export function buildTypeOrmOptions(
  env: Pick<AppEnv, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'DATABASE_CONNECT_TIMEOUT_MS'>,
): DataSourceOptions {
  if (!env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not resolved yet (the embedded PostgreSQL must be started first)');
  }
  const root = join(__dirname, '..', '..');
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    entities: [
      join(root, 'modules', '*', 'infrastructure', '*.entity.{ts,js}'),
      join(root, 'shared', '**', '*.entity.{ts,js}'),
    ],
    migrations: [join(root, 'database', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    // pg-pool's connectionTimeoutMillis bounds both a new connection and the wait for a free one.
    extra: {
      max: env.DATABASE_POOL_SIZE,
      application_name: 'roster',
      connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT_MS,
    },
    // TypeORM's error logging prints the failed query WITH its parameters — userNames, emails, raw
    // SCIM bodies on every 409 an IdP retry provokes. Failures still reach the exception filters,
    // which log unexpected ones without parameters.
    logging: false,
  };
}
