import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An internal user group was deleted: its member rows and group mappings went with it. */
export class InternalGroupDeletedEvent extends DomainEvent<{ groupId: string; name: string }> {
  static override readonly eventName = 'tenancy.internal_group.deleted';
  static override readonly version = 1;
}
