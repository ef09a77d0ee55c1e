import type { Provider } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../config/env.schema';

/** Audit's settings. */
export interface AuditConfig {
  /** Days entries are kept; null keeps them forever (the default). */
  readonly retentionDays: number | null;
}

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

/** From the validated environment (`AUDIT_RETENTION_DAYS`: an integer ≥ 1, or unset to keep forever). */
export const auditConfigProvider: Provider = {
  provide: AUDIT_CONFIG,
  inject: [APP_ENV],
  useFactory: (env: AppEnv): AuditConfig => ({ retentionDays: env.AUDIT_RETENTION_DAYS ?? null }),
};
