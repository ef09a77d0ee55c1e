import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { newConnectionId } from '../domain/scim-token';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { ScimConnectionCreatedEvent } from '../public/events/scim-connection-created.event';
import { ScimConnectionView, ScimConnectionViews } from './scim-connection-common';
import { tenantNotFound } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class CreateScimConnectionUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tenants: TenantRepository,
    private readonly connections: ScimConnectionRepository,
    private readonly events: EventBus,
    private readonly views: ScimConnectionViews,
  ) {}

  execute(tenantId: string, input: { name?: string | null }): Promise<ScimConnectionView> {
    if (!isUuid(tenantId)) throw tenantNotFound();
    return this.tx.run(async () => {
      if (!(await this.tenants.findById(tenantId))) throw tenantNotFound();
      const name = input.name?.trim() || null;
      const connection = await this.connections.insert(tenantId, newConnectionId(), name);
      await this.events.publish(new ScimConnectionCreatedEvent({ connectionId: connection.id, name }, { tenantId }));
      return this.views.toView(connection);
    });
  }
}
