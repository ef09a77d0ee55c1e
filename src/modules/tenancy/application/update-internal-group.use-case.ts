import { Injectable } from '@nestjs/common';
import { auditChanges } from '../../audit/public';
import { InternalGroupUpdatedEvent } from '../public/events/internal-group-updated.event';
import {
  DirectoryUseCaseBase,
  checkSites,
  groupNotFound,
  normalisePermissions,
  toGroupView,
  type InternalGroupView,
} from './directory-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class UpdateInternalGroupUseCase extends DirectoryUseCaseBase {
  async execute(
    tenantId: string,
    groupId: string,
    input: { name?: string; permissions?: string[]; siteIds?: string[] },
  ): Promise<InternalGroupView> {
    await assertTenantExists(this.tenants, tenantId);
    if (!isUuid(groupId)) throw groupNotFound();
    return this.writeNamed('group', async () => {
      const before = await this.repo.findGroup(tenantId, groupId, { forUpdate: true });
      if (!before) throw groupNotFound();
      const changed: string[] = [];
      const name = input.name?.trim();
      const permissions = input.permissions ? normalisePermissions(input.permissions) : undefined;
      if (name !== undefined && name !== before.name) changed.push('name');
      if (permissions && permissions.join('\n') !== before.permissions.join('\n')) changed.push('permissions');
      if (input.siteIds) {
        const siteIds = await checkSites(this.repo, tenantId, input.siteIds);
        const current = new Set(before.sites.map((s) => s.id));
        if (siteIds.length !== current.size || siteIds.some((s) => !current.has(s))) {
          changed.push('siteIds');
          await this.repo.replaceGroupSites(groupId, siteIds);
        }
      }
      if (changed.includes('name') || changed.includes('permissions'))
        await this.repo.updateGroup(tenantId, groupId, { name, permissions });
      const after = (await this.repo.findGroup(tenantId, groupId))!;
      if (changed.length > 0) {
        const changes = auditChanges([
          ['name', before.name, after.name],
          ['permissions', before.permissions, after.permissions],
          ['sites', before.sites.map((s) => s.name), after.sites.map((s) => s.name)],
        ]);
        await this.events.publish(
          new InternalGroupUpdatedEvent(
            { groupId, changedAttributes: changed, name: after.name, changes },
            { tenantId },
          ),
        );
      }
      return toGroupView(after);
    });
  }
}
