import 'reflect-metadata';
import { runMigrations } from '../../src/bootstrap';
import { validateEnv } from '../../src/config/env.schema';
import { installOutboxHistory } from '../utils/outbox-history';
import { createTestDatabase, type TestDatabase } from './test-database';

declare global {
  var __ROSTER_TEST_DB__: TestDatabase | undefined;
}

/** One fresh database per `npm test` run, migrated once; suites isolate by creating their own tenants. */
export default async function globalSetup(): Promise<void> {
  const db = await createTestDatabase();
  globalThis.__ROSTER_TEST_DB__ = db;
  process.env.ROSTER_TEST_DATABASE_URL = db.url;
  await runMigrations(validateEnv({ DATABASE_URL: db.url }));
  await installOutboxHistory(db.url);
}
