import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AuditChange } from '../../../audit/public';

/** An internal user group's name, permissions or sites changed; members' access follows at once. */
export class InternalGroupUpdatedEvent extends DomainEvent<{
  groupId: string;
  changedAttributes: string[];
  /** The group's name after the change (absent in events written before it was added). */
  name?: string;
  /** Old and new name, permissions and site names (audit-changes.ts); absent in older events. */
  changes?: AuditChange[];
}> {
  static override readonly eventName = 'tenancy.internal_group.updated';
  static override readonly version = 1;
}
