import 'reflect-metadata';
import { createServer } from 'node:net';
import { ConsoleLogger } from '@nestjs/common';
import { createApp, createLogger } from './app.factory';
import { DataSource } from 'typeorm';
import { databaseTextWarning, prepareRuntime, runMigrations, type Runtime } from './bootstrap';
import { InvalidEnvironmentError, validateEnv, type AppEnv } from './config/env.schema';

/** One line for a failed start: what happened and, where Roster knows it, what to do. */
function failureLine(err: unknown, env: AppEnv): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code === 'EADDRINUSE' && e.syscall === 'listen') {
    return `port ${env.PORT} (PORT) on ${env.HOST} is taken by another process: stop it, or set PORT to a free port.`;
  }
  const message = e instanceof Error ? e.message : String(err);
  return message.replace(/\s*\n\s*/g, ' ');
}

/** Fails as `listen` would when PORT is taken, before the embedded PostgreSQL is started for nothing. */
function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done()));
  });
}

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
  let runtime: Runtime | undefined;
  try {
    await assertPortFree(env.PORT, env.HOST);
    runtime = await prepareRuntime(env, logger);
    if (runtime.env.DATABASE_MIGRATE_ON_BOOT) await runMigrations(runtime.env, logger);
    const app = await createApp(runtime.env, runtime.adminToken, logger);
    const textWarning = await databaseTextWarning(app.get(DataSource));
    if (textWarning) logger.warn(textWarning, 'Bootstrap');
    // Graceful stop: finish in-flight requests and the outbox pass, close the pool, then the
    // embedded PostgreSQL (if any) — in that order.
    let stopping = false;
    const embedded = runtime.embedded;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal} received, shutting down`, 'Bootstrap');
      await app.close();
      await embedded?.stop();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
    try {
      await app.listen(runtime.env.PORT, runtime.env.HOST);
    } catch (err) {
      await app.close().catch(() => undefined);
      throw err;
    }
    logger.log(
      `Roster listening on ${runtime.env.HOST}:${runtime.env.PORT}; Tenant URLs start with ${runtime.env.PUBLIC_URL}/scim/v2/`,
      'Bootstrap',
    );
  } catch (err) {
    logger.fatal(`failed to start: ${failureLine(err, env)}`, 'Bootstrap');
    // The embedded PostgreSQL this start began is stopped, not orphaned.
    await runtime?.embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  new ConsoleLogger().fatal(`failed to start: ${err instanceof Error ? err.message : String(err)}`, 'Bootstrap');
  process.exit(1);
});
