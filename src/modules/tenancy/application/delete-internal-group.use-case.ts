import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { InternalGroupDeletedEvent } from '../public/events/internal-group-deleted.event';
import { groupNotFound } from './directory-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

/** Deletes the group; its member rows, site rows and mapping rules go with it (ON DELETE CASCADE). */
@Injectable()
export class DeleteInternalGroupUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

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
