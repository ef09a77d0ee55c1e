import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An internal user group's name, permissions or sites changed; members' access follows at once. */
export class InternalGroupUpdatedEvent extends DomainEvent<{ groupId: string; changedAttributes: string[] }> {
  static override readonly eventName = 'tenancy.internal_group.updated';
  static override readonly version = 1;
}
