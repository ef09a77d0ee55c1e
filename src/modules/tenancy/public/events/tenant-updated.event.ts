import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when a tenant's name or SSO domains change. */
export class TenantUpdatedEvent extends DomainEvent<{
  tenantId: string;
  changes: { name?: string; ssoDomains?: string[] };
}> {
  static override readonly eventName = 'tenancy.tenant.updated';
  static override readonly version = 1;
}
