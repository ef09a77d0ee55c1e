import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { TenantCreatedEvent } from '../public/events/tenant-created.event';
import { domainsOrThrow, TenantView, toTenantView } from './tenant-common';

@Injectable()
export class CreateTenantUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  execute(input: { name: string; ssoDomains: string[] }): Promise<TenantView> {
    const ssoDomains = domainsOrThrow(input.ssoDomains);
    return this.tx.run(async () => {
      const tenant = await this.tenants.insert(input.name.trim(), ssoDomains);
      await this.events.publish(
        new TenantCreatedEvent({ tenantId: tenant.id, name: tenant.name, ssoDomains }, { tenantId: tenant.id }),
      );
      return toTenantView(tenant);
    });
  }
}
