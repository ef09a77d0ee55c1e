import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { ReclaimStaleSyncRunsUseCase } from '../application/reclaim-stale-sync-runs.use-case';

/** Every minute (UTC). */
export const RECLAIM_STALE_SYNC_RUNS_CRON = '0 * * * * *';
export const RECLAIM_STALE_SYNC_RUNS_JOB = 'sync.reclaim-stale-sync-runs';

/**
 * Runs left `in_progress` by a process that died are marked failed: once at boot (every replica,
 * API-only ones included — cheap and exact), and every minute where cron jobs are on.
 */
@Injectable()
export class ReclaimStaleSyncRunsJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReclaimStaleSyncRunsJob.name);

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly registry: SchedulerRegistry,
    private readonly reclaim: ReclaimStaleSyncRunsUseCase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
    if (!this.env.CRON_ENABLED) return;
    const job = CronJob.from({
      cronTime: RECLAIM_STALE_SYNC_RUNS_CRON,
      timeZone: 'UTC',
      start: true,
      onTick: () => void this.run(),
    });
    this.registry.addCronJob(RECLAIM_STALE_SYNC_RUNS_JOB, job);
  }

  async run(): Promise<string[]> {
    try {
      return await this.reclaim.execute();
    } catch (err) {
      this.logger.error(`reclaiming stale sync runs failed: ${(err as Error).message}`);
      return [];
    }
  }
}
