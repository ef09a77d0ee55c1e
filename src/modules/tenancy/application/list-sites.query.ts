import { Injectable } from '@nestjs/common';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { toSiteView, type SiteView } from './directory-common';
import { assertTenantExists } from './tenant-common';

@Injectable()
export class ListSitesQuery {
  constructor(
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async execute(tenantId: string): Promise<SiteView[]> {
    await assertTenantExists(this.tenants, tenantId);
    return (await this.repo.listSites(tenantId)).map(toSiteView);
  }
}
