import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when an admin creates an API key (never the secret or its hash). */
export class ApiKeyCreatedEvent extends DomainEvent<{
  keyId: string;
  name: string;
  scope: 'admin' | 'tenant' | 'sessions';
  keyTenantId: string | null;
  prefix: string;
}> {
  static override readonly eventName = 'tenancy.api_key.created';
  static override readonly version = 1;
}
