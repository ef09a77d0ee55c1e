import { DomainEvent } from '../../../../shared/domain/domain-event';

/** A site was renamed. */
export class SiteUpdatedEvent extends DomainEvent<{ siteId: string; name: string }> {
  static override readonly eventName = 'tenancy.site.updated';
  static override readonly version = 1;
}
