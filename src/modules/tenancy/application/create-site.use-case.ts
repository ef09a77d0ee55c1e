import { Injectable } from '@nestjs/common';
import { SiteCreatedEvent } from '../public/events/site-created.event';
import { DirectoryUseCaseBase, toSiteView, type SiteView } from './directory-common';
import { assertTenantExists } from './tenant-common';

@Injectable()
export class CreateSiteUseCase extends DirectoryUseCaseBase {
  async execute(tenantId: string, name: string): Promise<SiteView> {
    await assertTenantExists(this.tenants, tenantId);
    return this.writeNamed('site', async () => {
      const site = await this.repo.insertSite(tenantId, name.trim());
      await this.events.publish(new SiteCreatedEvent({ siteId: site.id, name: site.name }, { tenantId }));
      return toSiteView(site);
    });
  }
}
