import 'reflect-metadata';
import { createApp, createLogger } from './app.factory';
import { DataSource } from 'typeorm';
import { databaseTextWarning, prepareRuntime, runMigrations } from './bootstrap';
import { InvalidEnvironmentError, validateEnv } from './config/env.schema';
import { ShutdownState } from './shared/health/shutdown-state';
import { createAppLogger, type AppLogger } from './shared/logging/app-logger';
import { MetricsServer } from './shared/metrics/metrics-server';

// Until the environment is validated, the raw LOG_FORMAT/NODE_ENV decide the format: a boot failure is JSON too.
let logger: AppLogger = createAppLogger(process.env);

async function main(): Promise<void> {
  let env;
  try {
    env = validateEnv(process.env);
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) {
      logger.pino.fatal({ context: 'Bootstrap', problems: err.problems }, err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  logger = createLogger(env);
  const runtime = await prepareRuntime(env, logger);
  if (runtime.env.DATABASE_MIGRATE_ON_BOOT) await runMigrations(runtime.env, logger);
  const app = await createApp(runtime.env, runtime.adminToken, logger);
  const textWarning = await databaseTextWarning(app.get(DataSource));
  if (textWarning) logger.warn(textWarning, 'Bootstrap');
  // Graceful stop: readiness says 503 (for SHUTDOWN_DRAIN_MS on SIGTERM, so load balancers stop sending),
  // then in-flight requests and the outbox pass finish, the pool closes, then the embedded PostgreSQL.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.get(ShutdownState).beginDrain();
    const drainMs = signal === 'SIGTERM' ? runtime.env.SHUTDOWN_DRAIN_MS : 0;
    logger.pino.info({ context: 'Bootstrap', signal, drainMs }, `${signal} received, shutting down`);
    if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
    await app.close();
    await runtime.embedded?.stop();
    logger.pino.info({ context: 'Bootstrap' }, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen(runtime.env.PORT, runtime.env.HOST);
  const base = runtime.env.PUBLIC_URL;
  const metricsPort = app.get(MetricsServer).port;
  logger.pino.info(
    {
      context: 'Bootstrap',
      url: base,
      listen: `${runtime.env.HOST}:${runtime.env.PORT}`,
      tenantUrl: `${base}/scim/v2/<connectionId>`,
      adminToken: runtime.env.ADMIN_TOKEN ? 'ADMIN_TOKEN environment variable' : runtime.adminTokenFile,
      console: `${base}/console`,
      apiDocs: `${base}/docs`,
      metrics: metricsPort === undefined ? 'off' : `http://${runtime.env.HOST}:${metricsPort}/metrics`,
    },
    `Roster ready on ${base}`,
  );
}

main().catch((err: Error) => {
  logger.pino.fatal({ context: 'Bootstrap' }, `failed to start: ${err?.message ?? String(err)}`);
  process.exit(1);
});
