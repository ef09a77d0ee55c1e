import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { SyncCounts, SyncMode, SyncTrigger } from '../sync.types';

/**
 * A sync run failed — an error, a shutdown, or its process died (reclaimed later). Counts are those of
 * the batches that committed; every user is either fully applied or untouched.
 */
export class SyncRunFailedEvent extends DomainEvent<{
  syncRunId: string;
  connectionId: string;
  trigger: SyncTrigger;
  mode: SyncMode;
  counts: SyncCounts;
  error: string;
}> {
  static override readonly eventName = 'sync.run.failed';
  static override readonly version = 1;
}
