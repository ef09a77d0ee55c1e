import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppEnv } from './config/env.schema';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './shared/database/embedded-postgres';
import { buildTypeOrmOptions } from './shared/database/typeorm-options';

export interface Runtime {
  env: AppEnv;
  adminToken: string;
  /** Where the generated admin token is, when it was generated (embedded database without ADMIN_TOKEN). */
  adminTokenFile?: string;
  /** Where the generated audit chain key is (embedded database without AUDIT_CHAIN_KEY); env.AUDIT_CHAIN_KEY holds it. */
  auditChainKeyFile?: string;
  embedded?: EmbeddedPostgresHandle;
}

/**
 * Resolves what the app needs before Nest starts: the database (embedded when DATABASE_URL is unset),
 * the admin token and the audit chain key (generated into DATA_DIR/admin-token and
 * DATA_DIR/audit-chain-key, mode 0600, on first start when unset; required with DATABASE_URL).
 */
export async function prepareRuntime(env: AppEnv, logger: LoggerService): Promise<Runtime> {
  let embedded: EmbeddedPostgresHandle | undefined;
  let resolved = env;
  if (!env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(env.DATA_DIR, 'pg'),
      port: env.EMBEDDED_PG_PORT,
      database: 'roster',
      persistent: true,
      stageDir: env.EMBEDDED_PG_STAGE_DIR,
      log: (line) => {
        logger.log(`DATABASE_URL unset: ${line}`, 'Bootstrap');
      },
    });
    resolved = Object.freeze({ ...env, DATABASE_URL: embedded.url });
  }
  try {
    let adminToken = env.ADMIN_TOKEN;
    let adminTokenFile: string | undefined;
    if (!adminToken) {
      if (env.DATABASE_URL) {
        throw new Error(
          'ADMIN_TOKEN is required when DATABASE_URL is set (generate one with: openssl rand -base64 32)',
        );
      }
      adminTokenFile = resolve(env.DATA_DIR, 'admin-token');
      adminToken = readOrCreateAdminToken(env.DATA_DIR, logger);
    }
    let auditChainKeyFile: string | undefined;
    if (!env.AUDIT_CHAIN_KEY) {
      if (env.DATABASE_URL) {
        throw new Error(
          'AUDIT_CHAIN_KEY is required when DATABASE_URL is set (generate one with: openssl rand -base64 32, and keep a copy outside the database)',
        );
      }
      auditChainKeyFile = resolve(env.DATA_DIR, AUDIT_CHAIN_KEY_FILE.file);
      resolved = Object.freeze({ ...resolved, AUDIT_CHAIN_KEY: readOrCreateAuditChainKey(env.DATA_DIR, logger) });
    }
    return { env: resolved, adminToken, adminTokenFile, auditChainKeyFile, embedded };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

/** A secret generated into DATA_DIR on the embedded default: its file name, and what logs call it. */
interface GeneratedSecret {
  readonly file: string;
  readonly label: string;
}
const ADMIN_TOKEN_FILE: GeneratedSecret = { file: 'admin-token', label: 'admin token' };
const AUDIT_CHAIN_KEY_FILE: GeneratedSecret = { file: 'audit-chain-key', label: 'audit chain key' };

/** Reads DATA_DIR/admin-token, or generates it (mode 0600) on first start. */
export function readOrCreateAdminToken(dataDir: string, logger: LoggerService): string {
  return readOrCreateSecret(dataDir, ADMIN_TOKEN_FILE, logger);
}

/** Reads DATA_DIR/audit-chain-key, or generates it (mode 0600) on first start. */
export function readOrCreateAuditChainKey(dataDir: string, logger: LoggerService): string {
  return readOrCreateSecret(dataDir, AUDIT_CHAIN_KEY_FILE, logger);
}

/** Reads DATA_DIR/<file>, or generates 256 random bits into it (mode 0600). Never logs the value. */
function readOrCreateSecret(dataDir: string, secret: GeneratedSecret, logger: LoggerService): string {
  const file = resolve(dataDir, secret.file);
  if (existsSync(file)) {
    logger.log(`${secret.label}: read from ${file}`, 'Bootstrap');
    const warning = secretFileModeWarning(file, secret.label);
    if (warning) logger.warn(warning, 'Bootstrap');
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  logger.log(`${secret.label}: generated into ${file} (mode 0600) — read it from there`, 'Bootstrap');
  return token;
}

/**
 * Why a file holding a secret is readable or writable by others than its owner, with the fix, if it
 * is: a copied, restored or hand-made token file often comes out 0644. Warned rather than refused —
 * refusing would not unsee the token; replacing it does. (POSIX modes only.)
 */
export function secretFileModeWarning(file: string, label = 'admin token'): string | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  return (
    `${file} has mode 0${mode.toString(8)}: other users of this machine can read the ${label}. ` +
    `Fix: chmod 600 ${file} — and if anyone else could have read it, replace it ` +
    (label === ADMIN_TOKEN_FILE.label
      ? `(delete the file and restart: a new token is generated).`
      : `(docs/operations.md, "Audit chain key": receipts kept so far still hold).`)
  );
}

/** Applies pending migrations under an advisory lock, so replicas starting together migrate once. */
export async function runMigrations(env: AppEnv, logger?: LoggerService): Promise<void> {
  const ds = new DataSource(buildTypeOrmOptions(env, 'migrations'));
  await ds.initialize();
  try {
    await ds.query(`SELECT pg_advisory_lock(hashtext('roster.migrations'))`);
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      if (applied.length > 0) logger?.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`, 'Bootstrap');
    } finally {
      await ds.query(`SELECT pg_advisory_unlock(hashtext('roster.migrations'))`);
    }
  } finally {
    await ds.destroy();
  }
}

/**
 * Why this database would make userName's case-insensitive uniqueness and lookups (RFC 7643
 * §4.1.1) ASCII-only, if it would: a SQL_ASCII database, or a libc "C" ctype, whose lower() folds
 * ASCII letters only — 'ÄRGER' and 'ärger' become two users. Said at boot rather than refused: the
 * cluster is the operator's (an embedded one made before Roster fixed its initdb locale, or a server
 * of theirs). Undefined when all is well.
 */
export async function databaseTextWarning(ds: DataSource): Promise<string | undefined> {
  const [r]: Array<{ encoding: string; folds: boolean }> = await ds.query(
    `SELECT current_setting('server_encoding') AS encoding, lower('ÄØ') = 'äø' AS folds`,
  );
  if (r.encoding === 'UTF8' && r.folds) return undefined;
  return (
    `database ${r.encoding !== 'UTF8' ? `encoding is ${r.encoding}, not UTF8` : 'lower() does not fold non-ASCII letters (ctype C)'}: ` +
    'userName uniqueness and lookups are case-insensitive for ASCII letters only. Use a UTF8 database with a UTF-8 ctype ' +
    "(e.g. CREATE DATABASE … ENCODING 'UTF8' LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8' TEMPLATE template0 on PostgreSQL 17)."
  );
}
