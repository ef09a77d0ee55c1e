import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { InternalGroupCreatedEvent } from '../public/events/internal-group-created.event';
import {
  checkSites,
  groupNameTaken,
  isUniqueViolation,
  normalisePermissions,
  toGroupView,
  type InternalGroupView,
} from './directory-common';
import { assertTenantExists } from './tenant-common';

@Injectable()
export class CreateInternalGroupUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  async execute(
    tenantId: string,
    input: { name: string; permissions?: string[]; siteIds?: string[] },
  ): Promise<InternalGroupView> {
    await assertTenantExists(this.tenants, tenantId);
    const permissions = normalisePermissions(input.permissions ?? []);
    try {
      return await this.tx.run(async () => {
        const siteIds = await checkSites(this.repo, tenantId, input.siteIds ?? []);
        const id = await this.repo.insertGroup(tenantId, input.name.trim(), permissions);
        await this.repo.replaceGroupSites(id, siteIds);
        const group = (await this.repo.findGroup(tenantId, id))!;
        await this.events.publish(
          new InternalGroupCreatedEvent(
            { groupId: id, name: group.name, permissions, siteIds: group.sites.map((s) => s.id) },
            { tenantId },
          ),
        );
        return toGroupView(group);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'internal_group__tenant_id_name__uq')) throw groupNameTaken();
      throw err;
    }
  }
}
