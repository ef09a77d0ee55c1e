import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { SyncSchedule } from '../domain/sync-schedule';

export interface SyncScheduleView {
  enabled: boolean;
  cron: string;
  deprovisionCron: string;
  timeZone: 'UTC';
  nextRunAt: string | null;
  nextDeprovisionRunAt: string | null;
}

/** When scheduled runs fire (SYNC_CRON, SYNC_DEPROVISION_CRON; UTC), for the console's Sync page. */
@Injectable()
export class DescribeSyncScheduleUseCase {
  private readonly schedule: SyncSchedule;

  constructor(@Inject(APP_ENV) private readonly env: AppEnv) {
    this.schedule = new SyncSchedule(env.SYNC_CRON, env.SYNC_DEPROVISION_CRON);
  }

  execute(now = new Date()): SyncScheduleView {
    const enabled = this.env.CRON_ENABLED && this.env.SYNC_CRON_ENABLED;
    return {
      enabled,
      cron: this.env.SYNC_CRON,
      deprovisionCron: this.env.SYNC_DEPROVISION_CRON,
      timeZone: 'UTC',
      nextRunAt: enabled ? this.schedule.nextAfter('provision', now).toISOString() : null,
      nextDeprovisionRunAt: enabled ? this.schedule.nextAfter('deprovision', now).toISOString() : null,
    };
  }
}
