import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AccessChange } from '../member-access.types';

/** A membership was revoked: the account lost access to the tenant. Sessions must end at once. */
export class MembershipRevokedEvent extends DomainEvent<{
  accountId: string;
  membershipId: string;
  connectionId: string | null;
  stagedUserId: string | null;
  reason: 'scim_deactivated' | 'scim_deleted' | 'sync_deprovisioned' | 'admin';
  syncRunId: string | null;
  /** The member's email then: the trail's subject (absent in events written before it was added). */
  email?: string;
  /** The internal groups the member held, named — all taken with the membership (absent in older events). */
  access?: AccessChange[];
}> {
  static override readonly eventName = 'tenancy.membership.revoked';
  static override readonly version = 1;
  /** Access must end at once: the outbox's urgent lane delivers it ahead of any backlog. */
  static override readonly priority = 1;
}
