import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AuditChange } from '../../../audit/public';

/** Emitted when a tenant's name or SSO domains change. */
export class TenantUpdatedEvent extends DomainEvent<{
  tenantId: string;
  /** The new values. */
  changes: { name?: string; ssoDomains?: string[] };
  /** Old and new values (audit-changes.ts); absent in events written before it was added. */
  values?: AuditChange[];
}> {
  static override readonly eventName = 'tenancy.tenant.updated';
  static override readonly version = 1;
}
