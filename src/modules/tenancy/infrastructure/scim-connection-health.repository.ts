import { Injectable } from '@nestjs/common';
import { sqlRows } from '../../../shared/database/sql';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { TrafficBucket } from '../../../shared/metrics/scim-traffic';

export interface ConnectionTraffic {
  lastRequestAt: string | null;
  requests: number;
  clientErrors: number;
  serverErrors: number;
}

export interface LastSyncRun {
  id: string;
  status: string;
  at: string;
}

/** Days of hourly traffic buckets kept. */
const KEEP_DAYS = 8;

/** A connection's SCIM traffic per UTC hour and its last sync run (see migration 1764000700100). */
@Injectable()
export class ScimConnectionHealthRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Adds counted traffic to the hourly buckets; ids of no connection (a caller's typo or junk) are dropped. */
  async addTraffic(buckets: readonly TrafficBucket[]): Promise<void> {
    if (buckets.length === 0) return;
    await sqlRows(
      this.tx.manager,
      `INSERT INTO tenancy.scim_connection_traffic AS t (connection_id, hour, requests, client_errors, server_errors, last_request_at)
       SELECT b."connectionId", b.hour, b.requests, b."clientErrors", b."serverErrors", b."lastRequestAt"
         FROM jsonb_to_recordset($1::jsonb) AS b("connectionId" text, hour timestamptz, requests int, "clientErrors" int, "serverErrors" int, "lastRequestAt" timestamptz)
         JOIN tenancy.scim_connection c ON c.id = b."connectionId"
       ON CONFLICT (connection_id, hour) DO UPDATE
          SET requests = t.requests + EXCLUDED.requests,
              client_errors = t.client_errors + EXCLUDED.client_errors,
              server_errors = t.server_errors + EXCLUDED.server_errors,
              last_request_at = GREATEST(t.last_request_at, EXCLUDED.last_request_at)`,
      [JSON.stringify(buckets)],
    );
  }

  async pruneTraffic(): Promise<void> {
    await sqlRows(
      this.tx.manager,
      `DELETE FROM tenancy.scim_connection_traffic WHERE hour < now() - make_interval(days => $1)`,
      [KEEP_DAYS],
    );
  }

  /** Requests and errors in the hourly buckets of the last 24 hours (the current hour included), and the last request ever. */
  async traffic(connectionId: string): Promise<ConnectionTraffic> {
    const [row] = await sqlRows<{
      requests: number;
      client_errors: number;
      server_errors: number;
      last_request_at: Date | null;
    }>(
      this.tx.manager,
      `SELECT COALESCE(sum(requests) FILTER (WHERE hour > now() - interval '24 hours'), 0)::int AS requests,
              COALESCE(sum(client_errors) FILTER (WHERE hour > now() - interval '24 hours'), 0)::int AS client_errors,
              COALESCE(sum(server_errors) FILTER (WHERE hour > now() - interval '24 hours'), 0)::int AS server_errors,
              max(last_request_at) AS last_request_at
         FROM tenancy.scim_connection_traffic WHERE connection_id = $1`,
      [connectionId],
    );
    return {
      requests: row.requests,
      clientErrors: row.client_errors,
      serverErrors: row.server_errors,
      lastRequestAt: row.last_request_at === null ? null : new Date(row.last_request_at).toISOString(),
    };
  }

  /** Records a run's state unless a later fact about the connection's runs is already recorded. */
  async recordSyncRun(connectionId: string, runId: string, status: string, at: string): Promise<void> {
    await sqlRows(
      this.tx.manager,
      `UPDATE tenancy.scim_connection
          SET last_sync_run_id = $2, last_sync_status = $3, last_sync_at = $4
        WHERE id = $1 AND (last_sync_at IS NULL OR last_sync_at <= $4)`,
      [connectionId, runId, status, at],
    );
  }

  async lastSyncRun(connectionId: string): Promise<LastSyncRun | null> {
    const [row] = await sqlRows<{ id: string | null; status: string | null; at: Date | null }>(
      this.tx.manager,
      `SELECT last_sync_run_id AS id, last_sync_status AS status, last_sync_at AS at FROM tenancy.scim_connection WHERE id = $1`,
      [connectionId],
    );
    return row?.id && row.status && row.at
      ? { id: row.id, status: row.status, at: new Date(row.at).toISOString() }
      : null;
  }
}
