import { Injectable } from '@nestjs/common';
import { InternalGroupDeletedEvent } from '../public/events/internal-group-deleted.event';
import { DirectoryUseCaseBase, groupNotFound } from './directory-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

/** Deletes the group; its member rows, site rows and mapping rules go with it (ON DELETE CASCADE). */
@Injectable()
export class DeleteInternalGroupUseCase extends DirectoryUseCaseBase {
  async execute(tenantId: string, groupId: string): Promise<void> {
    await assertTenantExists(this.tenants, tenantId);
    if (!isUuid(groupId)) throw groupNotFound();
    await this.tx.run(async () => {
      const group = await this.repo.deleteGroup(tenantId, groupId);
      if (!group) throw groupNotFound();
      await this.events.publish(new InternalGroupDeletedEvent({ groupId, name: group.name }, { tenantId }));
    });
  }
}
