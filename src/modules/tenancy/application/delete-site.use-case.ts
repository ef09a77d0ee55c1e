import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { SiteDeletedEvent } from '../public/events/site-deleted.event';
import { siteNotFound } from './directory-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class DeleteSiteUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  async execute(tenantId: string, siteId: string): Promise<void> {
    await assertTenantExists(this.tenants, tenantId);
    if (!isUuid(siteId)) throw siteNotFound();
    await this.tx.run(async () => {
      const site = await this.repo.deleteSite(tenantId, siteId);
      if (!site) throw siteNotFound();
      await this.events.publish(new SiteDeletedEvent({ siteId, name: site.name }, { tenantId }));
    });
  }
}
