import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An admin added a manual member (the host product's own user; Sync never takes it over), or restored a revoked membership as manual. */
export class MemberAddedEvent extends DomainEvent<{
  accountId: string;
  membershipId: string;
  source: 'manual';
  restored: boolean;
  /** The member's email then: the trail's subject (absent in events written before it was added). */
  email?: string;
}> {
  static override readonly eventName = 'tenancy.member.added';
  static override readonly version = 1;
}
