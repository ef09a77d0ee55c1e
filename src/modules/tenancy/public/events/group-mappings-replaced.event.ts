import { DomainEvent } from '../../../../shared/domain/domain-event';

/** A connection's SCIM group → internal group mapping rules were replaced; the next sync run is a full one. */
export class GroupMappingsReplacedEvent extends DomainEvent<{ connectionId: string; count: number }> {
  static override readonly eventName = 'tenancy.group_mappings.replaced';
  static override readonly version = 1;
}
