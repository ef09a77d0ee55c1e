import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { validateCronExpression } from 'cron';

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase()) : value;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * An integer variable of at least `min` (and at most `max`), given as a string. The checks are
 * applied bottom-up, as stacked decorators would be, so a bad value's problems keep their order.
 */
const IsEnvInt =
  (min: number, max?: number): PropertyDecorator =>
  (target, key) => {
    if (max !== undefined) Max(max)(target, key);
    Min(min)(target, key);
    IsInt()(target, key);
    Transform(toInt)(target, key);
  };

/** A boolean variable: `1`, `true`, `yes`, `on` (any case) are true, any other text false. */
const IsEnvBoolean = (): PropertyDecorator => (target, key) => {
  IsBoolean()(target, key);
  Transform(toBool)(target, key);
};

/** A cron expression the scheduler accepts (5 fields, or 6 with seconds). */
const IsCronExpression = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCronExpression',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validateCronExpression(value.trim()).valid,
        defaultMessage: () => '$property must be a cron expression such as "0 6-18 * * 1-5"',
      },
    },
    options,
  );

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** `2` → 2; `10.0.0.0/8, 127.0.0.1` → ['10.0.0.0/8', '127.0.0.1']; '' → unset. */
function parseTrustProxy(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed.split(',').map((e) => e.trim());
}

const IsTrustProxy = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isTrustProxy',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 32) ||
          (Array.isArray(value) && value.length > 0 && value.every((e) => typeof e === 'string' && isAddressOrCidr(e))),
        defaultMessage: () =>
          '$property must be a hop count (1–32) or a comma-separated list of IP addresses / CIDRs (or loopback, linklocal, uniquelocal)',
      },
    },
    options,
  );

/**
 * Every environment variable Roster reads. `validateEnv` is the only door from `process.env` into
 * the app (ormconfig.ts uses it too), so a bad value stops boot with the full list of problems.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsEnvInt(0, 65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Base URL the IdP reaches Roster at; Tenant URLs are built from it. Default http://localhost:$PORT. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_URL?: string;

  /** PostgreSQL connection string. Unset: an embedded PostgreSQL is started with data under DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['postgres', 'postgresql'], require_protocol: true })
  DATABASE_URL?: string;

  /**
   * At least 4: each outbox lane (2) holds a connection while its handlers run on others, so a
   * smaller pool could leave the handlers waiting for the connection their own relay holds.
   */
  @IsEnvInt(4, 200)
  DATABASE_POOL_SIZE = 20;

  /**
   * How long a request waits for a database connection (a new one, or a free one of the pool)
   * before it is answered 503: an unreachable server must not hold an IdP's requests open.
   */
  @IsEnvInt(100, 600_000)
  DATABASE_CONNECT_TIMEOUT_MS = 10_000;

  /**
   * Longest a statement may take on a request's path, enforced by the client (a silent network
   * answers nothing: the connection is discarded and the request answered 503) and by the server
   * (statement_timeout). Long work — exports, sync batches, migrations — has its own bound below.
   */
  @IsEnvInt(100, 600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 30_000;

  /** The bound of one statement of long work: an audit export, a sync batch, a migration. */
  @IsEnvInt(1000, 24 * 3_600_000)
  DATABASE_LONG_STATEMENT_TIMEOUT_MS = 600_000;

  /** Run pending migrations at boot under an advisory lock (compose runs them as a separate step). */
  @IsEnvBoolean()
  DATABASE_MIGRATE_ON_BOOT = true;

  @IsString()
  DATA_DIR = '.data';

  @IsEnvInt(1024, 65535)
  EMBEDDED_PG_PORT = 54329;

  /**
   * Used only when Roster runs as root with the embedded database and the `postgres` user (PostgreSQL
   * refuses root) cannot reach node_modules or DATA_DIR: binaries are staged, and the cluster kept, here.
   */
  @IsString()
  EMBEDDED_PG_STAGE_DIR = '/var/lib/roster';

  /**
   * The password of DATABASE_URL's user, kept out of the URL (a Docker secret: DATABASE_PASSWORD_FILE);
   * it replaces any password in the URL.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATABASE_PASSWORD?: string;

  /** Bearer token of the admin API. Unset with the embedded database: generated into DATA_DIR/admin-token. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'ADMIN_TOKEN must be at least 32 characters' })
  ADMIN_TOKEN?: string;

  /**
   * The audit chain's secret: entries are HMAC-chained with a key derived from it, and export
   * receipts signed with an Ed25519 key derived from it. Unset with the embedded database:
   * generated into DATA_DIR/audit-chain-key. Required with DATABASE_URL.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUDIT_CHAIN_KEY must be at least 32 characters' })
  AUDIT_CHAIN_KEY?: string;

  /**
   * Which proxies to believe for the caller's address (X-Forwarded-For), as Fastify's `trustProxy`
   * takes it: a hop count, or a comma-separated list of addresses / CIDRs (also `loopback`,
   * `linklocal`, `uniquelocal`). Unset: no proxy is believed — the source IP is the TCP peer.
   */
  @Transform(({ value }: { value: unknown }) => parseTrustProxy(value))
  @IsOptional()
  @IsTrustProxy()
  TRUST_PROXY?: number | string[];

  /** Port of the Prometheus `/metrics` listener (never the public port); 0 switches it off. */
  @IsEnvInt(0, 65535)
  METRICS_PORT = 9464;

  /**
   * On SIGTERM, how long /health/ready answers 503 while requests are still served, before the
   * listener closes: a load balancer's probe interval, so it stops routing here first.
   */
  @IsEnvInt(0, 120_000)
  SHUTDOWN_DRAIN_MS = 0;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @IsIn(['json', 'pretty'])
  @IsOptional()
  LOG_FORMAT?: 'json' | 'pretty';

  /** Largest accepted SCIM request body; larger → 413 (advertised in ServiceProviderConfig). */
  @IsEnvInt(1024)
  SCIM_MAX_BODY_BYTES = 2 * 1024 * 1024;

  /** Most values one multi-valued SCIM attribute may hold (emails, roles, …); more → 400 invalidValue. */
  @IsEnvInt(1, 1_000_000)
  SCIM_MAX_MULTI_VALUED = 10_000;

  /** Largest page a SCIM list returns (ServiceProviderConfig filter.maxResults). */
  @IsEnvInt(1, 10000)
  SCIM_MAX_RESULTS = 1000;

  /** Per-connection SCIM request rate; 0 disables the limit. */
  @IsEnvInt(0)
  SCIM_RATE_LIMIT_PER_SECOND = 100;

  /** Failed SCIM authentications per minute per client address and per connection id; 0 disables. */
  @IsEnvInt(0)
  SCIM_AUTH_FAILURES_PER_MINUTE = 30;

  /** Failed API-key authentications (admin API bearers, console sign-ins) per minute per client address; 0 disables. */
  @IsEnvInt(0)
  ADMIN_AUTH_FAILURES_PER_MINUTE = 30;

  /** Extra requests a connection may burst above the per-second rate. */
  @IsEnvInt(0)
  SCIM_RATE_LIMIT_BURST = 200;

  /** Scheduled jobs (outbox relay polling excluded) can be switched off for API-only replicas. */
  @IsEnvBoolean()
  CRON_ENABLED = true;

  @IsEnvInt(50)
  OUTBOX_POLL_INTERVAL_MS = 1000;

  @IsEnvInt(1, 100)
  OUTBOX_MAX_ATTEMPTS = 10;

  @IsEnvBoolean()
  OUTBOX_RELAY_ENABLED = true;

  /** Provisioning sync runs (UTC): hourly 06:00–18:00 Monday–Friday by default. */
  @IsCronExpression()
  SYNC_CRON = '0 6-18 * * 1-5';

  /** Deprovision-only sync runs (UTC), on their own interval inside the same window. */
  @IsCronExpression()
  SYNC_DEPROVISION_CRON = '*/15 6-18 * * 1-5';

  /** Scheduled sync runs in this process (also off when CRON_ENABLED=false); manual runs always work. */
  @IsEnvBoolean()
  SYNC_CRON_ENABLED = true;

  /**
   * A provisioning run is a full reconciliation when the connection had no completed full run in
   * this many hours — and always for the first run of a UTC day. 0: every run is full.
   */
  @IsEnvInt(0, 24 * 31)
  SYNC_FULL_RECONCILE_HOURS = 24;

  /** Staged users read, decided and written per batch (one Tenancy transaction each). */
  @IsEnvInt(1, 5000)
  SYNC_BATCH_SIZE = 1000;

  /** Days audit entries are kept; unset = forever. Pruned daily, oldest first; the chain stays verifiable. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value.trim() === ''
        ? undefined
        : /^\s*\d+\s*$/.test(value)
          ? Number(value)
          : value
      : value,
  )
  @IsOptional()
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS?: number;

  /** An end-user session ends after this long without introspection (sliding). */
  @IsEnvInt(60)
  SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60;

  /** An end-user session ends this long after it was created, however active. */
  @IsEnvInt(60)
  SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 60 * 60;

  /** An admin console sign-in ends after this long without a request (sliding). */
  @IsEnvInt(60)
  CONSOLE_SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60;

  /** An admin console sign-in ends this long after it began, however active. */
  @IsEnvInt(60)
  CONSOLE_SESSION_ABSOLUTE_TIMEOUT_SECONDS = 8 * 60 * 60;
}

export type AppEnv = Readonly<EnvironmentVariables> & { readonly PUBLIC_URL: string };

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Secrets that may also come from a file: `X_FILE=/run/secrets/x` reads X from it (Docker secrets). */
export const SECRET_VARIABLES = ['ADMIN_TOKEN', 'AUDIT_CHAIN_KEY', 'DATABASE_URL', 'DATABASE_PASSWORD'] as const;

/** `raw` with every secret's `X_FILE` read into X (one trailing newline dropped), and what went wrong. */
function readSecretFiles(raw: Record<string, string | undefined>): {
  values: Record<string, string | undefined>;
  problems: string[];
} {
  const values = { ...raw };
  const problems: string[] = [];
  for (const key of SECRET_VARIABLES) {
    const file = raw[`${key}_FILE`]?.trim();
    if (!file) continue;
    if (raw[key] !== undefined && raw[key].trim() !== '') {
      problems.push(`${key} and ${key}_FILE are both set: set one of them`);
      continue;
    }
    try {
      values[key] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      problems.push(`${key}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return { values, problems };
}

/** Validates and types the environment. Throws InvalidEnvironmentError listing every bad variable. */
export function validateEnv(raw: Record<string, string | undefined>): AppEnv {
  const { values, problems } = readSecretFiles(raw);
  const known = Object.keys(new EnvironmentVariables());
  const relevant: Record<string, string> = {};
  for (const key of [
    ...known,
    'PUBLIC_URL',
    ...SECRET_VARIABLES,
    'TRUST_PROXY',
    'LOG_FORMAT',
    'AUDIT_RETENTION_DAYS',
  ]) {
    const value = values[key];
    if (value !== undefined) relevant[key] = value;
  }
  const env = plainToInstance(EnvironmentVariables, relevant, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  // A secret's value is never echoed back in the error.
  const shown = (property: string, value: unknown) =>
    (SECRET_VARIABLES as readonly string[]).includes(property) ? 'a value' : JSON.stringify(value);
  problems.push(
    ...errors.map(
      (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')} (got ${shown(e.property, e.value)})`,
    ),
  );
  if (env.DATABASE_PASSWORD !== undefined && env.DATABASE_URL === undefined) {
    problems.push('DATABASE_PASSWORD: set DATABASE_URL too (the password is for its user)');
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  let databaseUrl = env.DATABASE_URL;
  if (databaseUrl !== undefined && env.DATABASE_PASSWORD !== undefined) {
    const url = new URL(databaseUrl);
    url.password = encodeURIComponent(env.DATABASE_PASSWORD);
    databaseUrl = url.toString();
  }
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    ...env,
    DATABASE_URL: databaseUrl,
    DATABASE_PASSWORD: undefined,
    PUBLIC_URL: publicUrl,
  });
}

/** DI token of the validated environment. */
export const APP_ENV = Symbol('APP_ENV');
