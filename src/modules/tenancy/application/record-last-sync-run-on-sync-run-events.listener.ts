import { Injectable } from '@nestjs/common';
import { OnDomainEvent } from '../../../shared/events/on-domain-event.decorator';
import { SyncRunCompletedEvent, SyncRunFailedEvent, SyncRunStartedEvent } from '../../sync/public';
import { ScimConnectionHealthRepository } from '../infrastructure/scim-connection-health.repository';

/**
 * Keeps each connection's last sync run (id, status, when) for its admin view. Sync publishes the
 * facts; Tenancy cannot ask Sync (Sync depends on Tenancy). Out-of-order deliveries are harmless:
 * an older fact never overwrites a newer one.
 */
@Injectable()
export class RecordLastSyncRunOnSyncRunEventsListener {
  constructor(private readonly health: ScimConnectionHealthRepository) {}

  @OnDomainEvent(SyncRunStartedEvent)
  onStarted(event: SyncRunStartedEvent): Promise<void> {
    return this.record(event, 'in_progress');
  }

  @OnDomainEvent(SyncRunCompletedEvent)
  onCompleted(event: SyncRunCompletedEvent): Promise<void> {
    return this.record(event, 'completed');
  }

  @OnDomainEvent(SyncRunFailedEvent)
  onFailed(event: SyncRunFailedEvent): Promise<void> {
    return this.record(event, 'failed');
  }

  private record(
    event: SyncRunStartedEvent | SyncRunCompletedEvent | SyncRunFailedEvent,
    status: 'in_progress' | 'completed' | 'failed',
  ): Promise<void> {
    return this.health.recordSyncRun(event.payload.connectionId, event.payload.syncRunId, status, event.occurredAt);
  }
}
