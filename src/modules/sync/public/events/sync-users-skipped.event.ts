import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { SyncSkipReason } from '../sync.types';

/**
 * A skip decision of a run: the staged user and its reason code, and the tally per reason. Published
 * once per skipped user with its `subject`, so the audit entry names the person; events written
 * before that carry a whole batch (several skips, no subject).
 */
export class SyncUsersSkippedEvent extends DomainEvent<{
  syncRunId: string;
  connectionId: string;
  skips: Array<{ stagedUserId: string; reason: SyncSkipReason }>;
  countsByReason: Partial<Record<SyncSkipReason, number>>;
  /** The skipped user (absent in older, per-batch events). */
  subject?: { userName: string; email: string | null };
}> {
  static override readonly eventName = 'sync.users.skipped';
  static override readonly version = 1;
}
