import { Injectable } from '@nestjs/common';
import { SiteDeletedEvent } from '../public/events/site-deleted.event';
import { DirectoryUseCaseBase, siteNotFound } from './directory-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class DeleteSiteUseCase extends DirectoryUseCaseBase {
  async execute(tenantId: string, siteId: string): Promise<void> {
    await assertTenantExists(this.tenants, tenantId);
    if (!isUuid(siteId)) throw siteNotFound();
    await this.tx.run(async () => {
      const site = await this.repo.deleteSite(tenantId, siteId);
      if (!site) throw siteNotFound();
      await this.events.publish(new SiteDeletedEvent({ siteId, name: site.name }, { tenantId }));
    });
  }
}
