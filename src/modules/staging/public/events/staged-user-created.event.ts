import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An IdP created a user in the staging tables. */
export class StagedUserCreatedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
  active: boolean;
}> {
  static override readonly eventName = 'staging.user.created';
  static override readonly version = 1;
}
