import { Injectable } from '@nestjs/common';
import { isConnectionId } from '../domain/scim-token';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { ScimTokenRepository } from '../infrastructure/scim-token.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { ScimConnectionHealthRepository, type LastSyncRun } from '../infrastructure/scim-connection-health.repository';
import { ScimTraffic } from '../../../shared/metrics/scim-traffic';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { connectionNotFound, ScimConnectionViews, type ScimConnectionView } from './scim-connection-common';
import { toTokenView, type TokenView } from './scim-token-common';
import { tenantNotFound, toTenantView, type TenantView } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

/** A connection as an admin checks it when the IdP reports a problem. */
export interface ScimConnectionDetailView extends ScimConnectionView {
  /** Last SCIM request to this connection's Tenant URL (any status, authenticated or not). */
  lastRequestAt: string | null;
  /** SCIM requests in the hourly buckets of the last 24 hours, and how many were answered 4xx / 5xx. */
  last24h: { requests: number; clientErrors: number; serverErrors: number };
  lastSyncRun: LastSyncRun | null;
}

/** Read side of the admin API. Unknown and malformed ids are both "not found". */
@Injectable()
export class TenancyQuery {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly connections: ScimConnectionRepository,
    private readonly tokens: ScimTokenRepository,
    private readonly views: ScimConnectionViews,
    private readonly health: ScimConnectionHealthRepository,
    private readonly traffic: ScimTraffic,
  ) {}

  async getTenant(tenantId: string): Promise<TenantView> {
    const tenant = isUuid(tenantId) ? await this.tenants.findById(tenantId) : null;
    if (!tenant) throw tenantNotFound();
    return toTenantView(tenant);
  }

  /** `{items, nextCursor}` by name; `q` matches any part of the name, case-insensitively; only `onlyTenantId` when set (a tenant key). */
  async listTenants(
    q: string | undefined,
    cursor: string | undefined,
    limit: number,
    onlyTenantId: string | null = null,
  ) {
    let after: { name: string; id: string } | undefined;
    if (cursor) {
      try {
        const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
        if (Array.isArray(parsed) && typeof parsed[0] === 'string' && isUuid(String(parsed[1]))) {
          after = { name: parsed[0], id: String(parsed[1]) };
        }
      } catch {
        after = undefined;
      }
      if (!after) throw new TenancyError(TenancyErrorCode.INVALID_CURSOR, 'cursor is not one this API returned');
    }
    const rows = await this.tenants.search(q?.trim() || undefined, after, limit, onlyTenantId);
    const last = rows.at(-1);
    return {
      items: rows.map(toTenantView),
      nextCursor:
        rows.length === limit && last
          ? Buffer.from(JSON.stringify([last.name.toLowerCase(), last.id])).toString('base64url')
          : null,
    };
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

  /** The tenant of a connection, deleted ones included (null when there is none). */
  async tenantOfConnection(connectionId: string): Promise<string | null> {
    return isConnectionId(connectionId) ? this.connections.tenantOf(connectionId) : null;
  }

  async getConnectionDetail(connectionId: string): Promise<ScimConnectionDetailView> {
    const view = await this.getConnection(connectionId);
    const [stored, lastSyncRun] = await Promise.all([this.health.traffic(view.id), this.health.lastSyncRun(view.id)]);
    // This process's counts not flushed yet: the request that just failed shows at once.
    const last24h = { requests: stored.requests, clientErrors: stored.clientErrors, serverErrors: stored.serverErrors };
    let lastRequestAt = stored.lastRequestAt;
    for (const b of this.traffic.pending(view.id)) {
      last24h.requests += b.requests;
      last24h.clientErrors += b.clientErrors;
      last24h.serverErrors += b.serverErrors;
      if (lastRequestAt === null || b.lastRequestAt > lastRequestAt) lastRequestAt = b.lastRequestAt;
    }
    return { ...view, lastRequestAt, last24h, lastSyncRun };
  }

  async listTokens(connectionId: string): Promise<TokenView[]> {
    const connection = await this.getConnection(connectionId);
    return (await this.tokens.listActive(connection.tenantId, connection.id)).map(toTokenView);
  }
}
