import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { AdvisoryLockService } from '../../../shared/database/advisory-lock.service';
import { SessionRepository } from '../infrastructure/session.repository';

/** Daily at 03:30 UTC. Sessions expire by time on their own; this only removes old rows. */
export const PURGE_ENDED_SESSIONS_CRON = '30 3 * * *';
/** Ended or expired sessions are kept this long for the admin's session list. */
const KEEP_SECONDS = 30 * 24 * 60 * 60;

@Injectable()
export class PurgeEndedSessionsJob {
  private readonly logger = new Logger(PurgeEndedSessionsJob.name);

  constructor(
    private readonly sessions: SessionRepository,
    private readonly locks: AdvisoryLockService,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  @Cron(PURGE_ENDED_SESSIONS_CRON, { timeZone: 'UTC' })
  async run(): Promise<void> {
    if (!this.env.CRON_ENABLED) return;
    const outcome = await this.locks.tryWithLock('sessions.purge-ended-sessions', () =>
      this.sessions.purgeEndedBefore(KEEP_SECONDS),
    );
    if (outcome.acquired && outcome.result > 0) this.logger.log(`purged ${outcome.result} ended sessions`);
  }
}
