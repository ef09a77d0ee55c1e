import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AuditChange } from '../../../audit/public';
import type { AccessChange } from '../member-access.types';

/** Sync changed a SCIM-provisioned member's attributes or internal groups. */
export class MemberUpdatedEvent extends DomainEvent<{
  accountId: string;
  membershipId: string;
  connectionId: string;
  stagedUserId: string;
  syncRunId: string | null;
  changedAttributes: string[];
  /** The member's email then: the trail's subject (absent in events written before it was added). */
  email?: string;
  /** Old and new values of the member's attributes (audit-changes.ts). Absent in older events. */
  changes?: AuditChange[];
  /** Internal groups given or taken, named. Absent in older events. */
  access?: AccessChange[];
}> {
  static override readonly eventName = 'tenancy.member.updated';
  static override readonly version = 1;
}
