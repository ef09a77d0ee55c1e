import { DomainEvent } from '../../../../shared/domain/domain-event';

/**
 * Sessions of an account in a tenant were ended: by logout, or because the membership was revoked
 * (IdP deactivation or deletion, Sync, an admin). `sessionIds` is capped at 1,000; `count` is exact.
 */
export class SessionsTerminatedEvent extends DomainEvent<{
  accountId: string;
  sessionIds: string[];
  count: number;
  reason: 'logout' | 'membership_revoked';
  membershipRevokedReason: string | null;
  /** The member's email when known (a revocation that named it, a logout): the trail's subject. */
  email?: string;
}> {
  static override readonly eventName = 'sessions.session.terminated';
  static override readonly version = 1;
}
