import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An IdP changed a group's attributes (not its members). */
export class StagedGroupUpdatedEvent extends DomainEvent<{
  connectionId: string;
  stagedGroupId: string;
  externalId: string | null;
  changedAttributes: string[];
}> {
  static override readonly eventName = 'staging.group.updated';
  static override readonly version = 1;
}
