import { Injectable } from '@nestjs/common';
import { isConnectionId, isUuid } from '../domain/scim-token';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { ScimTokenRepository } from '../infrastructure/scim-token.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { connectionNotFound, ScimConnectionViews, type ScimConnectionView } from './scim-connection-common';
import { toTokenView, type TokenView } from './scim-token-common';
import { tenantNotFound, toTenantView, type TenantView } from './tenant-common';

/** Read side of the admin API. Unknown and malformed ids are both "not found". */
@Injectable()
export class TenancyQuery {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly connections: ScimConnectionRepository,
    private readonly tokens: ScimTokenRepository,
    private readonly views: ScimConnectionViews,
  ) {}

  async getTenant(tenantId: string): Promise<TenantView> {
    const tenant = isUuid(tenantId) ? await this.tenants.findById(tenantId) : null;
    if (!tenant) throw tenantNotFound();
    return toTenantView(tenant);
  }

  async listConnections(tenantId: string): Promise<ScimConnectionView[]> {
    await this.getTenant(tenantId);
    return (await this.connections.listLiveByTenant(tenantId)).map((c) => this.views.toView(c));
  }

  async getConnection(connectionId: string): Promise<ScimConnectionView> {
    const connection = isConnectionId(connectionId) ? await this.connections.findLive(connectionId) : null;
    if (!connection) throw connectionNotFound();
    return this.views.toView(connection);
  }

  async listTokens(connectionId: string): Promise<TokenView[]> {
    const connection = await this.getConnection(connectionId);
    return (await this.tokens.listActive(connection.tenantId, connection.id)).map(toTokenView);
  }
}
