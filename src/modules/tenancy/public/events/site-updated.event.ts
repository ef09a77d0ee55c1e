import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AuditChange } from '../../../audit/public';

/** A site was renamed. */
export class SiteUpdatedEvent extends DomainEvent<{
  siteId: string;
  name: string;
  /** Old and new name (audit-changes.ts); absent in events written before it was added. */
  changes?: AuditChange[];
}> {
  static override readonly eventName = 'tenancy.site.updated';
  static override readonly version = 1;
}
