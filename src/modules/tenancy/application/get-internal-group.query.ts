import { Injectable } from '@nestjs/common';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { groupNotFound, toGroupView, type InternalGroupView } from './directory-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class GetInternalGroupQuery {
  constructor(
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async execute(tenantId: string, groupId: string): Promise<InternalGroupView> {
    await assertTenantExists(this.tenants, tenantId);
    const group = isUuid(groupId) ? await this.repo.findGroup(tenantId, groupId) : null;
    if (!group) throw groupNotFound();
    return toGroupView(group);
  }
}
