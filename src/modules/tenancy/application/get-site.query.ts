import { Injectable } from '@nestjs/common';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { siteNotFound, toSiteView, type SiteView } from './directory-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class GetSiteQuery {
  constructor(
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async execute(tenantId: string, siteId: string): Promise<SiteView> {
    await assertTenantExists(this.tenants, tenantId);
    const site = isUuid(siteId) ? await this.repo.findSite(tenantId, siteId) : null;
    if (!site) throw siteNotFound();
    return toSiteView(site);
  }
}
