import { DomainEvent } from '../../../../shared/domain/domain-event';

/**
 * A SCIM write named ids this connection does not know (a deleted user, another connection's id,
 * junk) as group members or as a user's manager: the write succeeded without them. Ids are capped
 * at 1,000 and clipped to 64 characters; the count is exact.
 */
export class StagedReferencesIgnoredEvent extends DomainEvent<{
  connectionId: string;
  resourceType: 'User' | 'Group';
  resourceId: string;
  attribute: 'members' | 'manager';
  ignored: string[];
  ignoredCount: number;
}> {
  static override readonly eventName = 'staging.references.ignored';
  static override readonly version = 1;
}
