/**
 * Child process of the crash test: boots Roster (relay and cron off), starts a manual sync run of
 * CONNECTION_ID, prints `RUN <id>` and keeps going until the parent SIGKILLs it midway.
 */
import 'reflect-metadata';
import { createApp, createLogger } from '../../../src/app.factory';
import { validateEnv } from '../../../src/config/env.schema';
import { TEST_AUDIT_CHAIN_KEY } from '../../utils/create-test-app';
import { RunSyncUseCase } from '../../../src/modules/sync/application/run-sync.use-case';

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
    SYNC_BATCH_SIZE: process.env.CHILD_SYNC_BATCH_SIZE ?? '250',
  });
  const app = await createApp(env, env.ADMIN_TOKEN!, createLogger(env));
  await app.init();
  const { run, done } = await app
    .get(RunSyncUseCase)
    .start({ connectionId: process.env.CONNECTION_ID!, trigger: 'manual' });
  process.stdout.write(`RUN ${run.id}\n`);
  await done;
  process.stdout.write(`DONE ${run.id}\n`);
  setInterval(() => undefined, 1000);
}

void main();
