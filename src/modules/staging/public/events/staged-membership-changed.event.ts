import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Members were added to or removed from a staged group. Member id lists are capped at 1,000 each; counts are exact. */
export class StagedMembershipChangedEvent extends DomainEvent<{
  connectionId: string;
  stagedGroupId: string;
  added: string[];
  removed: string[];
  addedCount: number;
  removedCount: number;
  replaced: boolean;
}> {
  static override readonly eventName = 'staging.group.membership_changed';
  static override readonly version = 1;
}
