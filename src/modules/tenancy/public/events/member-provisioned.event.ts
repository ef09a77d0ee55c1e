import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AccessChange } from '../member-access.types';

/** Sync made a staged user a member of the tenant (new membership, or a revoked SCIM membership reactivated). */
export class MemberProvisionedEvent extends DomainEvent<{
  accountId: string;
  membershipId: string;
  connectionId: string;
  stagedUserId: string;
  syncRunId: string | null;
  reactivated: boolean;
  /** The member's email then: the trail's subject (absent in events written before it was added). */
  email?: string;
  /** Internal groups given (and, on a reactivation, taken), named. Absent in older events. */
  access?: AccessChange[];
}> {
  static override readonly eventName = 'tenancy.member.provisioned';
  static override readonly version = 1;
}
