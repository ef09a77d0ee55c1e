import { Injectable } from '@nestjs/common';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { toGroupView, type InternalGroupView } from './directory-common';
import { assertTenantExists } from './tenant-common';

@Injectable()
export class ListInternalGroupsQuery {
  constructor(
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async execute(tenantId: string): Promise<InternalGroupView[]> {
    await assertTenantExists(this.tenants, tenantId);
    return (await this.repo.listGroups(tenantId)).map(toGroupView);
  }
}
