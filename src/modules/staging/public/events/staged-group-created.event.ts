import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An IdP created a group. */
export class StagedGroupCreatedEvent extends DomainEvent<{
  connectionId: string;
  stagedGroupId: string;
  externalId: string | null;
}> {
  static override readonly eventName = 'staging.group.created';
  static override readonly version = 1;
}
