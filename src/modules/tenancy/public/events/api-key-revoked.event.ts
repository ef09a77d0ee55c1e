import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when an API key is revoked: refused from that moment on every replica. */
export class ApiKeyRevokedEvent extends DomainEvent<{
  keyId: string;
  name: string;
  scope: 'admin' | 'tenant' | 'sessions';
  keyTenantId: string | null;
  prefix: string;
}> {
  static override readonly eventName = 'tenancy.api_key.revoked';
  static override readonly version = 1;
}
