import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when a tenant is created. */
export class TenantCreatedEvent extends DomainEvent<{ tenantId: string; name: string; ssoDomains: string[] }> {
  static override readonly eventName = 'tenancy.tenant.created';
  static override readonly version = 1;
}
