import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An internal user group was created. */
export class InternalGroupCreatedEvent extends DomainEvent<{
  groupId: string;
  name: string;
  permissions: string[];
  siteIds: string[];
}> {
  static override readonly eventName = 'tenancy.internal_group.created';
  static override readonly version = 1;
}
