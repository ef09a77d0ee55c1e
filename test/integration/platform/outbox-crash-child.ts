/**
 * Child process for the crash test: boots Roster with the relay off, creates a tenant through the
 * admin API (the TenantCreatedEvent commits to the outbox), prints the tenant id and waits to be
 * SIGKILLed — a crash between commit and relay.
 */
import 'reflect-metadata';
import { createApp, createLogger } from '../../../src/app.factory';
import { validateEnv } from '../../../src/config/env.schema';
import { TEST_AUDIT_CHAIN_KEY } from '../../utils/create-test-app';

async function main() {
  const env = validateEnv({
    DATABASE_URL: process.env.CHILD_DATABASE_URL,
    ADMIN_TOKEN: 'child-admin-token-0123456789abcdef0123456789',
    // The suite's key: the child and the suite's apps append to the same chain (replicas share it).
    AUDIT_CHAIN_KEY: TEST_AUDIT_CHAIN_KEY,
    OUTBOX_RELAY_ENABLED: 'false',
    CRON_ENABLED: 'false',
    // Children run beside the suite's other processes: a fixed metrics port would collide (EADDRINUSE).
    METRICS_PORT: '0',
    LOG_LEVEL: 'fatal',
  });
  const app = await createApp(env, env.ADMIN_TOKEN!, createLogger(env));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}/admin/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Crashy', ssoDomains: ['crash.example'] }),
  });
  const body = (await res.json()) as { id: string };
  process.stdout.write(`TENANT ${body.id}\n`);
  setInterval(() => undefined, 1000);
}

void main();
