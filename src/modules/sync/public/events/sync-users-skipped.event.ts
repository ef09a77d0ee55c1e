import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { SyncSkipReason } from '../sync.types';

/**
 * The skip decisions of one batch of a run (batch-friendly: one event per batch, not per user) —
 * staged user ids with their reason codes, and the tally per reason.
 */
export class SyncUsersSkippedEvent extends DomainEvent<{
  syncRunId: string;
  connectionId: string;
  skips: Array<{ stagedUserId: string; reason: SyncSkipReason }>;
  countsByReason: Partial<Record<SyncSkipReason, number>>;
}> {
  static override readonly eventName = 'sync.users.skipped';
  static override readonly version = 1;
}
