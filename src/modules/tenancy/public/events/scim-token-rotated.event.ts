import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when a token is rotated: the old secret is refused from the commit on. */
export class ScimTokenRotatedEvent extends DomainEvent<{
  connectionId: string;
  oldTokenId: string;
  newTokenId: string;
  name: string;
  prefix: string;
}> {
  static override readonly eventName = 'tenancy.scim_token.rotated';
  static override readonly version = 1;
}
