import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when an admin deletes a SCIM connection; its tokens stopped working in the same transaction. */
export class ScimConnectionDeletedEvent extends DomainEvent<{ connectionId: string; revokedTokenIds: string[] }> {
  static override readonly eventName = 'tenancy.scim_connection.deleted';
  static override readonly version = 1;
}
