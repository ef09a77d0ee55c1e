import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when a SCIM bearer token is issued. Never carries the secret or its hash. */
export class ScimTokenIssuedEvent extends DomainEvent<{
  connectionId: string;
  tokenId: string;
  name: string;
  prefix: string;
}> {
  static override readonly eventName = 'tenancy.scim_token.issued';
  static override readonly version = 1;
}
