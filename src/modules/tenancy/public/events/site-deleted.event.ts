import { DomainEvent } from '../../../../shared/domain/domain-event';

/** A site was deleted: internal groups no longer grant access to it. */
export class SiteDeletedEvent extends DomainEvent<{ siteId: string; name: string }> {
  static override readonly eventName = 'tenancy.site.deleted';
  static override readonly version = 1;
}
