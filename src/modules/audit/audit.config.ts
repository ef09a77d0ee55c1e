import type { Provider } from '@nestjs/common';
import { InvalidEnvironmentError } from '../../config/env.schema';

/** Audit's settings. */
export interface AuditConfig {
  /** Days entries are kept; null keeps them forever (the default). */
  readonly retentionDays: number | null;
}

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

/**
 * Reads and validates AUDIT_RETENTION_DAYS (unset or empty → keep forever; else an integer ≥ 1).
 * TODO(#6): move AUDIT_RETENTION_DAYS into EnvironmentVariables (src/config/env.schema.ts) and read
 * it from APP_ENV; until then this is the one place outside src/config that reads process.env.
 */
export function loadAuditConfig(raw: Record<string, string | undefined>): AuditConfig {
  const value = raw.AUDIT_RETENTION_DAYS;
  if (value === undefined || value.trim() === '') return { retentionDays: null };
  const days = /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(days) || days < 1) {
    throw new InvalidEnvironmentError([`AUDIT_RETENTION_DAYS: must be an integer ≥ 1, or unset to keep entries forever (got ${JSON.stringify(value)})`]);
  }
  return { retentionDays: days };
}

export const auditConfigProvider: Provider = {
  provide: AUDIT_CONFIG,
  useFactory: (): AuditConfig => loadAuditConfig(process.env),
};
