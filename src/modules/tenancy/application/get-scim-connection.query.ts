import { Injectable } from '@nestjs/common';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { ScimConnectionHealthRepository, type LastSyncRun } from '../infrastructure/scim-connection-health.repository';
import { ScimTraffic } from '../../../shared/metrics/scim-traffic';
import { liveConnectionOrThrow, ScimConnectionViews, type ScimConnectionView } from './scim-connection-common';

/** A connection as an admin checks it when the IdP reports a problem. */
export interface ScimConnectionDetailView extends ScimConnectionView {
  /** Last SCIM request to this connection's Tenant URL (any status, authenticated or not). */
  lastRequestAt: string | null;
  /** SCIM requests in the hourly buckets of the last 24 hours, and how many were answered 4xx / 5xx. */
  last24h: { requests: number; clientErrors: number; serverErrors: number };
  lastSyncRun: LastSyncRun | null;
}

/** A live connection with its health: last request, the last 24 hours' traffic, the last sync run. */
@Injectable()
export class GetScimConnectionQuery {
  constructor(
    private readonly connections: ScimConnectionRepository,
    private readonly views: ScimConnectionViews,
    private readonly health: ScimConnectionHealthRepository,
    private readonly traffic: ScimTraffic,
  ) {}

  async execute(connectionId: string): Promise<ScimConnectionDetailView> {
    const view = this.views.toView(await liveConnectionOrThrow(this.connections, connectionId));
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
}
