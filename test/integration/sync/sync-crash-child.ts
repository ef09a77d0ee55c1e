/**
 * Child process of the crash test: boots Roster (relay and cron off), starts a manual sync run of
 * CONNECTION_ID, prints `RUN <id>` and keeps going until the parent SIGKILLs it midway.
 */
import 'reflect-metadata';
import { RunSyncUseCase } from '../../../src/modules/sync/application/run-sync.use-case';
import { createCrashChildApp, reportAndWaitForKill } from '../../utils/crash-child';

async function main() {
  const { app } = await createCrashChildApp({ SYNC_BATCH_SIZE: process.env.CHILD_SYNC_BATCH_SIZE ?? '250' });
  await app.init();
  const { run, done } = await app
    .get(RunSyncUseCase)
    .start({ connectionId: process.env.CONNECTION_ID!, trigger: 'manual' });
  process.stdout.write(`RUN ${run.id}\n`);
  await done;
  reportAndWaitForKill(`DONE ${run.id}`);
}

void main();
