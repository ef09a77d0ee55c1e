import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { SyncMode, SyncTrigger } from '../sync.types';

/** A sync run of a connection started (the run row exists, status in_progress). */
export class SyncRunStartedEvent extends DomainEvent<{
  syncRunId: string;
  connectionId: string;
  trigger: SyncTrigger;
  mode: SyncMode;
  modeReason: string;
}> {
  static override readonly eventName = 'sync.run.started';
  static override readonly version = 1;
}
