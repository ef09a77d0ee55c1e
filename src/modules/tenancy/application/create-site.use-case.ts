import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { SiteCreatedEvent } from '../public/events/site-created.event';
import { isUniqueViolation, siteNameTaken, toSiteView, type SiteView } from './directory-common';
import { assertTenantExists } from './tenant-common';

@Injectable()
export class CreateSiteUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  async execute(tenantId: string, name: string): Promise<SiteView> {
    await assertTenantExists(this.tenants, tenantId);
    try {
      return await this.tx.run(async () => {
        const site = await this.repo.insertSite(tenantId, name.trim());
        await this.events.publish(new SiteCreatedEvent({ siteId: site.id, name: site.name }, { tenantId }));
        return toSiteView(site);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'site__tenant_id_name__uq')) throw siteNameTaken();
      throw err;
    }
  }
}
