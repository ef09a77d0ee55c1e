import { DomainEvent } from '../../../../shared/domain/domain-event';

/**
 * Retention removed a prefix of the audit chain: entries `fromSeq`..`toSeq` (`count` of them, all
 * older than `cutoff`). `anchorHash` (hex) is the hash of entry `toSeq`, from which verification of
 * the kept entries now starts. Audit records this event in the trail itself (actor `system`).
 */
export class AuditTrailPrunedEvent extends DomainEvent<{
  fromSeq: number;
  toSeq: number;
  count: number;
  cutoff: string;
  anchorHash: string;
}> {
  static override readonly eventName = 'audit.trail.pruned';
  static override readonly version = 1;
}
