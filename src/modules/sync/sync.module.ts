import { DescribeSyncScheduleUseCase } from './application/describe-sync-schedule.use-case';
import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '../../shared/domain/clock';
import { EventRegistry } from '../../shared/events/event-registry';
import { StagingModule } from '../staging/staging.module';
import { PreviewSyncUseCase } from './application/preview-sync.use-case';
import { ReclaimStaleSyncRunsUseCase } from './application/reclaim-stale-sync-runs.use-case';
import { RunSyncUseCase } from './application/run-sync.use-case';
import { ProcessSyncBatchUseCase } from './application/process-sync-batch.use-case';
import { LoadSyncContextUseCase } from './application/load-sync-context.use-case';
import { SyncRunQuery } from './application/sync-run.query';
import { SyncRunsController } from './http/sync-runs.controller';
import { SyncRunRepository } from './infrastructure/sync-run.repository';
import { ReclaimStaleSyncRunsJob } from './jobs/reclaim-stale-sync-runs.job';
import { RunScheduledSyncJob } from './jobs/run-scheduled-sync.job';
import { SyncRunCompletedEvent } from './public/events/sync-run-completed.event';
import { SyncRunFailedEvent } from './public/events/sync-run-failed.event';
import { SyncRunStartedEvent } from './public/events/sync-run-started.event';
import { SyncUsersSkippedEvent } from './public/events/sync-users-skipped.event';

EventRegistry.register(SyncRunStartedEvent, SyncRunCompletedEvent, SyncRunFailedEvent, SyncUsersSkippedEvent);

/** Staged users → tenant accounts, on schedule and on demand, with run history (schema `sync`). See README.md. */
@Module({
  imports: [StagingModule],
  controllers: [SyncRunsController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    SyncRunRepository,
    LoadSyncContextUseCase,
    ProcessSyncBatchUseCase,
    RunSyncUseCase,
    PreviewSyncUseCase,
    DescribeSyncScheduleUseCase,
    SyncRunQuery,
    ReclaimStaleSyncRunsUseCase,
    RunScheduledSyncJob,
    ReclaimStaleSyncRunsJob,
  ],
})
export class SyncModule {}
