import { Injectable, Logger } from '@nestjs/common';
import { AdvisoryLockService } from '../../../shared/database/advisory-lock.service';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { STALE_RUN_ERROR } from '../domain/sync-run';
import { SyncRunFailedEvent } from '../public/events/sync-run-failed.event';
import { SyncRunRepository } from '../infrastructure/sync-run.repository';
import { syncLockName } from './run-sync.use-case';

/**
 * Marks failed the runs left `in_progress` by a dead process. A live run holds its connection's
 * advisory lock for its whole life (PostgreSQL drops it when the holder's session ends), so "the lock
 * can be taken" is exact — no heartbeat timeout to guess. Runs of this very process hold the lock on
 * another session and are left alone.
 */
@Injectable()
export class ReclaimStaleSyncRunsUseCase {
  private readonly logger = new Logger(ReclaimStaleSyncRunsUseCase.name);

  constructor(
    private readonly runs: SyncRunRepository,
    private readonly locks: AdvisoryLockService,
    private readonly tx: TransactionHost,
    private readonly events: EventBus,
  ) {}

  async execute(): Promise<string[]> {
    const reclaimed: string[] = [];
    for (const run of await this.runs.listInProgress()) {
      const outcome = await this.locks.tryWithLock(syncLockName(run.connectionId), () =>
        this.tx.run(async () => {
          const failed = await this.runs.fail({ runId: run.id }, STALE_RUN_ERROR);
          await this.events.publish(
            ...failed.map(
              (f) =>
                new SyncRunFailedEvent(
                  {
                    syncRunId: f.id,
                    connectionId: f.connectionId,
                    trigger: f.trigger,
                    mode: f.mode,
                    counts: f.counts,
                    error: STALE_RUN_ERROR,
                  },
                  { tenantId: f.tenantId },
                ),
            ),
          );
          return failed.length > 0;
        }),
      );
      if (outcome.acquired && outcome.result) {
        reclaimed.push(run.id);
        this.logger.warn(
          `sync run ${run.id} of ${run.connectionId} was left in progress by a dead process: marked failed`,
        );
      }
    }
    return reclaimed;
  }
}
