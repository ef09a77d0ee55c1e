import 'reflect-metadata';
import { createServer } from 'node:net';
import { createApp, createLogger } from './app.factory';
import { DataSource } from 'typeorm';
import { databaseTextWarning, prepareRuntime, runMigrations, type Runtime } from './bootstrap';
import { InvalidEnvironmentError, validateEnv, type AppEnv } from './config/env.schema';
import { ShutdownState } from './shared/health/shutdown-state';
import { createAppLogger, type AppLogger } from './shared/logging/app-logger';
import { MetricsServer } from './shared/metrics/metrics-server';

// Until the environment is validated, the raw LOG_FORMAT/NODE_ENV decide the format: a boot failure is JSON too.
let logger: AppLogger = createAppLogger(process.env);

/** One line for a failed start: what happened and, where Roster knows it, what to do. */
function failureLine(err: unknown, env: AppEnv): string {
  const e = err as (NodeJS.ErrnoException & { port?: number }) | undefined;
  if (e?.code === 'EADDRINUSE' && e.syscall === 'listen') {
    const which = e.port === env.METRICS_PORT && env.METRICS_PORT !== env.PORT ? 'METRICS_PORT' : 'PORT';
    const port = which === 'PORT' ? env.PORT : env.METRICS_PORT;
    return `port ${port} (${which}) on ${env.HOST} is taken by another process: stop it, or set ${which} to a free port.`;
  }
  const message = e instanceof Error ? e.message : String(err);
  return message.replace(/\s*\n\s*/g, ' ');
}

/** Fails as `listen` would when a port is taken, before the embedded PostgreSQL is started for nothing. */
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
      logger.pino.fatal({ context: 'Bootstrap', problems: err.problems }, err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  logger = createLogger(env);
  let runtime: Runtime | undefined;
  try {
    await assertPortFree(env.PORT, env.HOST);
    await assertPortFree(env.METRICS_PORT, env.HOST);
    runtime = await prepareRuntime(env, logger);
    if (runtime.env.DATABASE_MIGRATE_ON_BOOT) await runMigrations(runtime.env, logger);
    const app = await createApp(runtime.env, runtime.adminToken, logger);
    const textWarning = await databaseTextWarning(app.get(DataSource));
    if (textWarning) logger.warn(textWarning, 'Bootstrap');
    // Graceful stop: readiness says 503 (for SHUTDOWN_DRAIN_MS on SIGTERM, so load balancers stop sending),
    // then in-flight requests and the outbox pass finish, the pool closes, then the embedded PostgreSQL.
    let stopping = false;
    const started = runtime;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.get(ShutdownState).beginDrain();
      const drainMs = signal === 'SIGTERM' ? started.env.SHUTDOWN_DRAIN_MS : 0;
      logger.pino.info({ context: 'Bootstrap', signal, drainMs }, `${signal} received, shutting down`);
      if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
      await app.close();
      await started.embedded?.stop();
      logger.pino.info({ context: 'Bootstrap' }, 'stopped');
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
    try {
      await app.listen(started.env.PORT, started.env.HOST);
    } catch (err) {
      await app.close().catch(() => undefined);
      throw err;
    }
    const base = started.env.PUBLIC_URL;
    const metricsPort = app.get(MetricsServer).port;
    logger.pino.info(
      {
        context: 'Bootstrap',
        url: base,
        listen: `${started.env.HOST}:${started.env.PORT}`,
        tenantUrl: `${base}/scim/v2/<connectionId>`,
        adminToken: started.env.ADMIN_TOKEN ? 'ADMIN_TOKEN environment variable' : started.adminTokenFile,
        auditChainKey: started.auditChainKeyFile ?? 'AUDIT_CHAIN_KEY environment variable',
        console: `${base}/console`,
        apiDocs: `${base}/docs`,
        metrics: metricsPort === undefined ? 'off' : `http://${started.env.HOST}:${metricsPort}/metrics`,
      },
      `Roster ready on ${base}`,
    );
  } catch (err) {
    logger.pino.fatal({ context: 'Bootstrap' }, `failed to start: ${failureLine(err, env)}`);
    // The embedded PostgreSQL this start began is stopped, not orphaned.
    await runtime?.embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  logger.pino.fatal({ context: 'Bootstrap' }, `failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
