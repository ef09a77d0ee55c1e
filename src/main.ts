import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { createApp, createLogger } from './app.factory';
import { DataSource } from 'typeorm';
import { databaseTextWarning, prepareRuntime, runMigrations } from './bootstrap';
import { InvalidEnvironmentError, validateEnv } from './config/env.schema';

async function main(): Promise<void> {
  let env;
  try {
    env = validateEnv(process.env);
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) {
      new ConsoleLogger().fatal(err.message, 'Bootstrap');
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(env);
  const runtime = await prepareRuntime(env, logger);
  if (runtime.env.DATABASE_MIGRATE_ON_BOOT) await runMigrations(runtime.env, logger);
  const app = await createApp(runtime.env, runtime.adminToken, logger);
  const textWarning = await databaseTextWarning(app.get(DataSource));
  if (textWarning) logger.warn(textWarning, 'Bootstrap');
  // Graceful stop: finish in-flight requests and the outbox pass, close the pool, then the
  // embedded PostgreSQL (if any) — in that order.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`, 'Bootstrap');
    await app.close();
    await runtime.embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen(runtime.env.PORT, runtime.env.HOST);
  logger.log(
    `Roster listening on ${runtime.env.HOST}:${runtime.env.PORT}; Tenant URLs start with ${runtime.env.PUBLIC_URL}/scim/v2/`,
    'Bootstrap',
  );
}

main().catch((err: Error) => {
  new ConsoleLogger().fatal(`failed to start: ${err.message}`, 'Bootstrap');
  process.exit(1);
});
