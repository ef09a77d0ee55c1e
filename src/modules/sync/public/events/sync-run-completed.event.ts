import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { SyncCounts, SyncMode, SyncTrigger } from '../sync.types';

/** A sync run finished its work; counts are final. */
export class SyncRunCompletedEvent extends DomainEvent<{
  syncRunId: string;
  connectionId: string;
  trigger: SyncTrigger;
  mode: SyncMode;
  counts: SyncCounts;
  durationMs: number;
}> {
  static override readonly eventName = 'sync.run.completed';
  static override readonly version = 1;
}
