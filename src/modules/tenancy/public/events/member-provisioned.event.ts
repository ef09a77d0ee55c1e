import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Sync made a staged user a member of the tenant (new membership, or a revoked SCIM membership reactivated). */
export class MemberProvisionedEvent extends DomainEvent<{
  accountId: string;
  membershipId: string;
  connectionId: string;
  stagedUserId: string;
  syncRunId: string | null;
  reactivated: boolean;
}> {
  static override readonly eventName = 'tenancy.member.provisioned';
  static override readonly version = 1;
}
