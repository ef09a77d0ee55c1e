/**
 * Child process for the crash test: Roster with the outbox relay OFF answers one SCIM request
 * (the deactivation commits with its event in the outbox), prints DONE, and waits to be SIGKILLed
 * before any handler could run.
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
    SCIM_RATE_LIMIT_PER_SECOND: '0',
    LOG_LEVEL: 'fatal',
  });
  const app = await createApp(env, env.ADMIN_TOKEN!, createLogger(env));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}${process.env.CHILD_PATH}`, {
    method: process.env.CHILD_METHOD ?? 'PATCH',
    headers: { authorization: `Bearer ${process.env.CHILD_TOKEN}`, 'content-type': 'application/scim+json' },
    body: process.env.CHILD_BODY,
  });
  process.stdout.write(`DONE ${res.status}\n`);
  setInterval(() => undefined, 1000);
}

void main();
