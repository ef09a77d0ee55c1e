import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { AdvisoryLockService } from '../../../shared/database/advisory-lock.service';
import { PruneExpiredAuditEntriesUseCase } from '../application/prune-expired-audit-entries.use-case';
import { AUDIT_CONFIG, type AuditConfig } from '../audit.config';

/** Daily at 03:17 UTC (off the hour, away from other nightly work). */
export const PRUNE_EXPIRED_AUDIT_ENTRIES_CRON = '0 17 3 * * *';
const LOCK = 'audit.prune-expired-audit-entries';
const DAY_MS = 86_400_000;

export type PruneRunResult =
  { status: 'retention-off' } | { status: 'locked' } | { status: 'done'; cutoff: string; pruned: number };

/**
 * Retention (AUDIT_RETENTION_DAYS): prunes entries older than the retention, oldest first. One
 * replica at a time (pg_try_advisory_lock, skipped if held); off when CRON_ENABLED=false. The chain
 * is global, not per tenant, so there is no per-tenant loop here.
 */
@Injectable()
export class PruneExpiredAuditEntriesJob {
  private readonly logger = new Logger(PruneExpiredAuditEntriesJob.name);

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly locks: AdvisoryLockService,
    private readonly prune: PruneExpiredAuditEntriesUseCase,
  ) {}

  @Cron(PRUNE_EXPIRED_AUDIT_ENTRIES_CRON, { name: LOCK, timeZone: 'UTC' })
  async onSchedule(): Promise<void> {
    if (!this.env.CRON_ENABLED) return;
    try {
      await this.run();
    } catch (err) {
      this.logger.error(`audit retention failed: ${(err as Error).message}`);
    }
  }

  async run(now = new Date()): Promise<PruneRunResult> {
    if (this.config.retentionDays === null) return { status: 'retention-off' };
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    const outcome = await this.locks.tryWithLock(LOCK, () => this.prune.execute(cutoff));
    if (!outcome.acquired) return { status: 'locked' };
    if (outcome.result.pruned > 0)
      this.logger.log(`audit retention: pruned ${outcome.result.pruned} entries older than ${cutoff.toISOString()}`);
    return { status: 'done', cutoff: cutoff.toISOString(), pruned: outcome.result.pruned };
  }
}
