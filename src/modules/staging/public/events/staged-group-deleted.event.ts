import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An IdP deleted a group; its memberships are gone with it. */
export class StagedGroupDeletedEvent extends DomainEvent<{
  connectionId: string;
  stagedGroupId: string;
  externalId: string | null;
}> {
  static override readonly eventName = 'staging.group.deleted';
  static override readonly version = 1;
}
