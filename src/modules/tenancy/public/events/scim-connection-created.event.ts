import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when an admin creates a SCIM connection. */
export class ScimConnectionCreatedEvent extends DomainEvent<{ connectionId: string; name: string | null }> {
  static override readonly eventName = 'tenancy.scim_connection.created';
  static override readonly version = 1;
}
