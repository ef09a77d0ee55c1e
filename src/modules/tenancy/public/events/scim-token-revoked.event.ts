import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when an admin revokes a SCIM bearer token. */
export class ScimTokenRevokedEvent extends DomainEvent<{ connectionId: string; tokenId: string }> {
  static override readonly eventName = 'tenancy.scim_token.revoked';
  static override readonly version = 1;
}
