import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { ApiKeyPayload } from './api-key-event.types';

/** Emitted when an API key is revoked: refused from that moment on every replica. */
export class ApiKeyRevokedEvent extends DomainEvent<ApiKeyPayload> {
  static override readonly eventName = 'tenancy.api_key.revoked';
  static override readonly version = 1;
}
