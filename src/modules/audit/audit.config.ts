import type { Provider } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../config/env.schema';
import { AuditChainKeys } from './domain/audit-chain-keys';

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

/**
 * The chain's keys, derived from AUDIT_CHAIN_KEY (resolved at start: the variable, its _FILE, or the
 * embedded default's DATA_DIR/audit-chain-key). Without it the trail could not append: refuse to start.
 */
export const auditChainKeysProvider: Provider = {
  provide: AuditChainKeys,
  inject: [APP_ENV],
  useFactory: (env: AppEnv): AuditChainKeys => {
    if (!env.AUDIT_CHAIN_KEY) {
      throw new Error(
        'AUDIT_CHAIN_KEY is required when DATABASE_URL is set (generate one with: openssl rand -base64 32, and keep a copy outside the database)',
      );
    }
    return AuditChainKeys.fromSecret(env.AUDIT_CHAIN_KEY);
  },
};
