import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { auditChanges } from '../../audit/public';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { TenantUpdatedEvent } from '../public/events/tenant-updated.event';
import { domainsOrThrow, tenantNotFound, TenantView, toTenantView } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class UpdateTenantUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  execute(tenantId: string, input: { name?: string; ssoDomains?: string[] }): Promise<TenantView> {
    if (!isUuid(tenantId)) throw tenantNotFound();
    const changes: { name?: string; ssoDomains?: string[] } = {};
    if (input.name !== undefined) changes.name = input.name.trim();
    if (input.ssoDomains !== undefined) changes.ssoDomains = domainsOrThrow(input.ssoDomains);
    return this.tx.run(async () => {
      const tenant = await this.tenants.findByIdForUpdate(tenantId);
      if (!tenant) throw tenantNotFound();
      if (Object.keys(changes).length > 0) {
        await this.tenants.update(tenantId, changes);
        const values = auditChanges([
          ...(changes.name !== undefined ? [['name', tenant.name, changes.name] as const] : []),
          ...(changes.ssoDomains !== undefined ? [['ssoDomains', tenant.ssoDomains, changes.ssoDomains] as const] : []),
        ]);
        await this.events.publish(new TenantUpdatedEvent({ tenantId, changes, values }, { tenantId }));
      }
      return toTenantView((await this.tenants.findById(tenantId))!);
    });
  }
}
