import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An IdP set active=true on an inactive user; access returns at the next sync. */
export class StagedUserReactivatedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
}> {
  static override readonly eventName = 'staging.user.reactivated';
  static override readonly version = 1;
}
