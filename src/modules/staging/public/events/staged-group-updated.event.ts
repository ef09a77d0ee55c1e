import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AuditChange } from '../../../audit/public';

/** An IdP changed a group's attributes (not its members). */
export class StagedGroupUpdatedEvent extends DomainEvent<{
  connectionId: string;
  stagedGroupId: string;
  externalId: string | null;
  changedAttributes: string[];
  /** The group's displayName after the change (absent in events written before it was added). */
  displayName?: string;
  /** Old and new values (audit-changes.ts: secrets masked, bounded); absent in older events. */
  changes?: AuditChange[];
  changesOmitted?: number;
}> {
  static override readonly eventName = 'staging.group.updated';
  static override readonly version = 1;
}
