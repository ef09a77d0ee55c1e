import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Sync changed a SCIM-provisioned member's attributes or internal groups. */
export class MemberUpdatedEvent extends DomainEvent<{
  accountId: string;
  membershipId: string;
  connectionId: string;
  stagedUserId: string;
  syncRunId: string | null;
  changedAttributes: string[];
}> {
  static override readonly eventName = 'tenancy.member.updated';
  static override readonly version = 1;
}
