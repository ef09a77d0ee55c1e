import { Logger } from '@nestjs/common';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** SQLSTATEs of an unreachable, restarting or exhausted server (PostgreSQL appendix A). */
const SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '53300', // too_many_connections
]);

/** node-postgres / pg-pool raise these as plain Errors without a code. */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

/**
 * Whether an error means "the database cannot be reached or is not accepting work right now" —
 * as opposed to a bug or a bad statement. Such failures are answered 503 with Retry-After: an IdP
 * retries a 5xx, whereas a 401 (a token that could not be checked) or a bare 500 reads as a
 * broken integration, and repeated failures push an Entra job into quarantine (idp-dialects §2.8).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) return true; // class 08: connection_exception
    }
    if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => message.startsWith(m))) return true;
    // TypeORM wraps the driver's error (QueryFailedError.driverError); Node wraps causes (AggregateError for multi-address connects).
    const next = e as { driverError?: unknown; cause?: unknown; errors?: unknown[] };
    if (Array.isArray(next.errors) && next.errors.some(isDatabaseUnavailable)) return true;
    e = next.driverError ?? next.cause;
  }
  return false;
}

/** Seconds an IdP or caller is asked to wait before retrying while the database is unavailable. */
export const DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const logger = new Logger('Database');
const LOG_EVERY_MS = 10_000;
let lastLogged = 0;
let suppressed = 0;

/** One warning per LOG_EVERY_MS while requests fail for this reason, with how many were answered 503 in between. */
export function noteDatabaseUnavailable(err: unknown): void {
  const now = Date.now();
  if (now - lastLogged < LOG_EVERY_MS) {
    suppressed++;
    return;
  }
  const more = suppressed > 0 ? ` (${suppressed} more since the last warning)` : '';
  lastLogged = now;
  suppressed = 0;
  logger.warn(`database unavailable, answering 503: ${(err as Error)?.message ?? String(err)}${more}`);
}
