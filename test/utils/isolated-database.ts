import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '../../src/bootstrap';
import { validateEnv } from '../../src/config/env.schema';
import { installOutboxHistory } from './outbox-history';

/**
 * A migrated database of its own, on the run's server, for tests whose relays must not share the
 * outbox with other suites running in parallel (test-only listeners exist in one process only), or
 * that must see the migrations' schema alone (`outboxHistory: false`: no test-only trigger).
 */
export async function createIsolatedDatabase({ outboxHistory = true } = {}): Promise<{
  url: string;
  dispose(): Promise<void>;
}> {
  const base = process.env.ROSTER_TEST_DATABASE_URL;
  if (!base) throw new Error('ROSTER_TEST_DATABASE_URL is unset: run through jest (global-setup)');
  const name = `roster_iso_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  await runMigrations(validateEnv({ DATABASE_URL: url.toString() }));
  if (outboxHistory) await installOutboxHistory(url.toString());
  return {
    url: url.toString(),
    dispose: async () => {
      const c = new Client({ connectionString: adminUrl.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
