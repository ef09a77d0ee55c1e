import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An IdP changed a staged user (PUT or PATCH); `changedAttributes` names the top-level attributes. */
export class StagedUserUpdatedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
  changedAttributes: string[];
}> {
  static override readonly eventName = 'staging.user.updated';
  static override readonly version = 1;
}
