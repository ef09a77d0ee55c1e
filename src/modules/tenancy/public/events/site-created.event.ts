import { DomainEvent } from '../../../../shared/domain/domain-event';

/** A site was created. */
export class SiteCreatedEvent extends DomainEvent<{ siteId: string; name: string }> {
  static override readonly eventName = 'tenancy.site.created';
  static override readonly version = 1;
}
