import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AuditChange } from '../../../audit/public';
import type { GroupMappingRule } from '../scim-members.types';

/**
 * A connection's SCIM group → internal group mapping rules were replaced. What the removed rules
 * gave is taken back at once; what new rules give waits for the next sync run (a full one).
 */
export class GroupMappingsReplacedEvent extends DomainEvent<{
  connectionId: string;
  count: number;
  /** Rules that existed before and not after (absent in events written before it was added). */
  removed?: GroupMappingRule[];
  /** Rules added and removed, named (audit-changes.ts, capped); absent in older events. */
  changes?: AuditChange[];
}> {
  static override readonly eventName = 'tenancy.group_mappings.replaced';
  static override readonly version = 1;
  /** Removing access must not wait: the outbox's urgent lane delivers it ahead of any backlog. */
  static override readonly priority = 1;
}
