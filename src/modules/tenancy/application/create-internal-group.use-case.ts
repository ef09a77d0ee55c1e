import { Injectable } from '@nestjs/common';
import { InternalGroupCreatedEvent } from '../public/events/internal-group-created.event';
import {
  DirectoryUseCaseBase,
  checkSites,
  normalisePermissions,
  toGroupView,
  type InternalGroupView,
} from './directory-common';
import { assertTenantExists } from './tenant-common';

@Injectable()
export class CreateInternalGroupUseCase extends DirectoryUseCaseBase {
  async execute(
    tenantId: string,
    input: { name: string; permissions?: string[]; siteIds?: string[] },
  ): Promise<InternalGroupView> {
    await assertTenantExists(this.tenants, tenantId);
    const permissions = normalisePermissions(input.permissions ?? []);
    return this.writeNamed('group', async () => {
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
  }
}
