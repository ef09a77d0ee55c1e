import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { Clock } from '../../../shared/domain/clock';
import { TenancyFacade } from '../../tenancy/public';
import { RunSyncUseCase } from '../application/run-sync.use-case';
import { SyncSchedule, type ScheduledSyncKind } from '../domain/sync-schedule';
import { SyncError, SyncErrorCode } from '../public/sync.errors';

/**
 * Cron job names in the SchedulerRegistry. The expressions come from config (SYNC_CRON,
 * SYNC_DEPROVISION_CRON; defaults hourly 06:00–18:00 and every 15 min in that window, Mon–Fri, UTC),
 * so the jobs are registered at boot rather than with a static @Cron.
 */
export const RUN_SCHEDULED_SYNC_JOBS: Record<ScheduledSyncKind, string> = {
  provision: 'sync.run-scheduled-sync.provision',
  deprovision: 'sync.run-scheduled-sync.deprovision',
};

export interface ScheduledTickResult {
  kind: ScheduledSyncKind;
  slot: string | null;
  ran: string[];
  skipped: Array<{ connectionId: string; reason: string }>;
}

/**
 * Fires scheduled sync runs for every live connection. Safe with replicas without a job-wide lock:
 * each run takes its connection's advisory lock (a busy connection is skipped), and a scheduled run
 * records its slot — the cron fire time — under a unique index, so a replica that fires the same
 * slot after the first one finished is refused too. Replicas thus share the connections of a slot,
 * and each connection runs once per slot. Off with CRON_ENABLED=false or SYNC_CRON_ENABLED=false.
 */
@Injectable()
export class RunScheduledSyncJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(RunScheduledSyncJob.name);
  readonly schedule: SyncSchedule;

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly registry: SchedulerRegistry,
    private readonly runner: RunSyncUseCase,
    private readonly tenancy: TenancyFacade,
    private readonly clock: Clock,
  ) {
    this.schedule = new SyncSchedule(env.SYNC_CRON, env.SYNC_DEPROVISION_CRON);
  }

  get enabled(): boolean {
    return this.env.CRON_ENABLED && this.env.SYNC_CRON_ENABLED;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    for (const kind of ['provision', 'deprovision'] as const) {
      const job = CronJob.from({
        cronTime: kind === 'provision' ? this.schedule.provisionCron : this.schedule.deprovisionCron,
        timeZone: 'UTC',
        start: true,
        onTick: () => {
          void this.tick(kind).catch((err: Error) =>
            this.logger.error(`scheduled ${kind} sync failed: ${err.message}`),
          );
        },
      });
      this.registry.addCronJob(RUN_SCHEDULED_SYNC_JOBS[kind], job);
    }
  }

  /**
   * One tick: decides from the instant (injected clock) whether `kind` is due and for which slot, then
   * runs it for each live connection in turn (a failure is logged and the next connection goes on).
   */
  async tick(kind: ScheduledSyncKind, at: Date = this.clock.now()): Promise<ScheduledTickResult> {
    const due = this.schedule.decide(kind, at);
    const result: ScheduledTickResult = { kind, slot: due?.slot.toISOString() ?? null, ran: [], skipped: [] };
    if (!due) return result;
    for (const connection of await this.tenancy.listLiveConnections()) {
      try {
        const { run, done } = await this.runner.start({
          connectionId: connection.id,
          trigger: 'scheduled',
          mode: kind === 'deprovision' ? 'deprovision' : 'auto',
          scheduledSlot: due.slot,
        });
        result.ran.push(run.id);
        await done;
      } catch (err) {
        if (
          err instanceof SyncError &&
          new Set<SyncErrorCode>([
            SyncErrorCode.RUN_IN_PROGRESS,
            SyncErrorCode.SLOT_ALREADY_RUN,
            SyncErrorCode.CONNECTION_NOT_FOUND,
          ]).has(err.code)
        ) {
          result.skipped.push({ connectionId: connection.id, reason: err.code });
        } else {
          this.logger.error(`scheduled ${kind} sync of ${connection.id} failed to start: ${(err as Error).message}`);
          result.skipped.push({ connectionId: connection.id, reason: 'error' });
        }
      }
    }
    return result;
  }
}
