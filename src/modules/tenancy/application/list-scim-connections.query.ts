import { Injectable } from '@nestjs/common';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { ScimConnectionViews, type ScimConnectionView } from './scim-connection-common';
import { assertTenantExists } from './tenant-common';

/** A tenant's live SCIM connections. */
@Injectable()
export class ListScimConnectionsQuery {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly connections: ScimConnectionRepository,
    private readonly views: ScimConnectionViews,
  ) {}

  async execute(tenantId: string): Promise<ScimConnectionView[]> {
    await assertTenantExists(this.tenants, tenantId);
    return (await this.connections.listLiveByTenant(tenantId)).map((c) => this.views.toView(c));
  }
}
