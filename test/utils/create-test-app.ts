import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { createApp, createLogger } from '../../src/app.factory';
import { validateEnv, type AppEnv } from '../../src/config/env.schema';
import { OutboxRelay } from '../../src/shared/events/outbox-relay';
import { HttpClient } from './http-client';
import { createIsolatedDatabase } from './isolated-database';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';
export const TEST_AUDIT_CHAIN_KEY = 'test-audit-chain-key-0123456789abcdef0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  env: AppEnv;
  baseUrl: string;
  http: HttpClient;
  admin: HttpClient;
  dataSource: DataSource;
  /** Delivers every due outbox event now. */
  drainOutbox(): Promise<void>;
  close(): Promise<void>;
}

/** The real AppModule on a real port against the run's PostgreSQL database. */
export async function createTestApp(
  overrides: Record<string, string> = {},
  extraModules: Array<Type | DynamicModule> = [],
  options: { logs?: DestinationStream } = {},
): Promise<TestApp> {
  const url = process.env.ROSTER_TEST_DATABASE_URL;
  if (!url) throw new Error('ROSTER_TEST_DATABASE_URL is unset: run through jest (global-setup)');
  const env = validateEnv({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '10',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    AUDIT_CHAIN_KEY: TEST_AUDIT_CHAIN_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal',
    CRON_ENABLED: 'false',
    OUTBOX_POLL_INTERVAL_MS: '200',
    SCIM_RATE_LIMIT_PER_SECOND: '0',
    SCIM_AUTH_FAILURES_PER_MINUTE: '0',
    ADMIN_AUTH_FAILURES_PER_MINUTE: '0',
    PUBLIC_URL: 'https://roster.test',
    METRICS_PORT: '0',
    ...overrides,
  });
  const app = await createApp(env, env.ADMIN_TOKEN!, createLogger(env, options.logs), extraModules);
  // PORT only when asked (a browser test needs PUBLIC_URL to be the origin it loads); else any free port.
  await app.listen(overrides.PORT ? env.PORT : 0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const relay = app.get(OutboxRelay);
  return {
    app,
    env,
    baseUrl,
    http: new HttpClient(baseUrl),
    admin: new HttpClient(baseUrl, TEST_ADMIN_TOKEN),
    dataSource: app.get(DataSource),
    drainOutbox: () => relay.drain(),
    close: () => app.close(),
  };
}

/**
 * The app on a database of its own, created for the suite and dropped by `close()`: for suites that
 * drain the outbox (drainOutbox() then waits for their events only, not for the stream other
 * suites keep writing into a shared outbox) or that need a fresh schema's statistics.
 */
export async function createIsolatedTestApp(
  overrides: Record<string, string> = {},
  extraModules: Array<Type | DynamicModule> = [],
  options: { logs?: DestinationStream } = {},
): Promise<TestApp> {
  const db = await createIsolatedDatabase();
  const t = await createTestApp({ ...overrides, DATABASE_URL: db.url }, extraModules, options);
  return {
    ...t,
    close: async () => {
      await t.close();
      await db.dispose();
    },
  };
}
