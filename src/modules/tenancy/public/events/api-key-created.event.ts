import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { ApiKeyPayload } from './api-key-event.types';

/** Emitted when an admin creates an API key (never the secret or its hash). */
export class ApiKeyCreatedEvent extends DomainEvent<ApiKeyPayload> {
  static override readonly eventName = 'tenancy.api_key.created';
  static override readonly version = 1;
}
