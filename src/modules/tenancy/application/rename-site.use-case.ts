import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { auditChanges } from '../../audit/public';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { SiteUpdatedEvent } from '../public/events/site-updated.event';
import { DirectoryUseCaseBase, siteNotFound, toSiteView, type SiteView } from './directory-common';
import { GetSiteQuery } from './get-site.query';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class RenameSiteUseCase extends DirectoryUseCaseBase {
  constructor(
    tx: TransactionHost,
    repo: InternalGroupRepository,
    tenants: TenantRepository,
    events: EventBus,
    private readonly getSite: GetSiteQuery,
  ) {
    super(tx, repo, tenants, events);
  }

  async execute(tenantId: string, siteId: string, name: string | undefined): Promise<SiteView> {
    await assertTenantExists(this.tenants, tenantId);
    if (!isUuid(siteId)) throw siteNotFound();
    if (name === undefined) return this.getSite.execute(tenantId, siteId);
    return this.writeNamed('site', async () => {
      const before = await this.repo.findSite(tenantId, siteId);
      const site = await this.repo.renameSite(tenantId, siteId, name.trim());
      if (!site) throw siteNotFound();
      const changes = auditChanges([['name', before?.name ?? null, site.name]]);
      await this.events.publish(new SiteUpdatedEvent({ siteId, name: site.name, changes }, { tenantId }));
      return toSiteView(site);
    });
  }
}
