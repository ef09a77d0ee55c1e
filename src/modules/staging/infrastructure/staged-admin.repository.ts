import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import type {
  StagedGroupAdminRow,
  StagedUserAdminFilter,
  StagedUserAdminRecord,
  StagedUserAdminRow,
} from '../public/staging.types';

/** A position in an admin listing: the last row's created_at (microseconds, UTC) and id. */
export interface AdminKeyset {
  createdAt: string;
  id: string;
}

/** An admin listing page and where the next one starts (the last row's exact keyset position). */
export interface AdminPage<T> {
  items: T[];
  last: AdminKeyset | null;
}

/**
 * The row's created_at in UTC with all six fractional digits, for the keyset cursor: a JS Date (ms)
 * would round 12:00:00.000400 and .000900 to the same instant and page the second row twice.
 */
const cursorAt = (alias: string) =>
  `to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

interface AdminCursorRow {
  id: string;
  cursor_at: string;
}

function adminPage<R extends AdminCursorRow, T>(rows: R[], map: (r: R) => T): AdminPage<T> {
  const last = rows[rows.length - 1];
  return { items: rows.map(map), last: last ? { createdAt: last.cursor_at, id: last.id } : null };
}

interface AdminUserRow {
  id: string;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  primary_email: string | null;
  active: boolean;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
  synced_at: Date | null;
  sync_skip_reason: string | null;
}

const ADMIN_USER_COLUMNS = `u.id, u.user_name, u.external_id, u.display_name, u.primary_email, u.active, u.deleted_at, u.created_at, u.updated_at,
              u.synced_at, u.sync_skip_reason`;

const toAdminUserRow = (r: AdminUserRow): StagedUserAdminRow => ({
  id: r.id,
  userName: r.user_name,
  externalId: r.external_id,
  displayName: r.display_name,
  email: r.primary_email,
  active: r.active,
  deleted: r.deleted_at !== null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  syncedAt: r.synced_at ? r.synced_at.toISOString() : null,
  syncSkipReason: r.sync_skip_reason,
});

/**
 * The console's reads of a connection's staged users and groups, deleted ones included: keyset
 * pages on (created_at, id) — no count — so a page answers in bounded time however large the table.
 */
@Injectable()
export class StagedAdminRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Users, with optional filters that each have an index (userName/email equality; the partial
   * indexes of inactive/deleted and skipped users).
   */
  async listUsers(
    connectionId: string,
    cursor: AdminKeyset | undefined,
    limit: number,
    filter: StagedUserAdminFilter = {},
  ): Promise<AdminPage<StagedUserAdminRow>> {
    const params: unknown[] = [connectionId, limit];
    const where: string[] = [];
    if (cursor) where.push(after('u', cursor, params));
    if (filter.q) {
      params.push(filter.q);
      const q = `lower($${params.length})`;
      // One arm per index (the live userName index is partial on deleted_at IS NULL): a BitmapOr.
      where.push(
        `((lower(u.user_name) = ${q} AND u.deleted_at IS NULL) OR (lower(u.user_name) = ${q} AND u.deleted_at IS NOT NULL) OR lower(u.primary_email) = ${q})`,
      );
    }
    if (filter.status === 'active') where.push(`u.deleted_at IS NULL AND u.active`);
    if (filter.status === 'inactive') where.push(`u.deleted_at IS NULL AND NOT u.active`);
    if (filter.status === 'deleted') where.push(`u.deleted_at IS NOT NULL`);
    if (filter.skipReason) {
      params.push(filter.skipReason);
      where.push(`u.sync_skip_reason = $${params.length}`);
    }
    const rows = await sqlRows<AdminUserRow & AdminCursorRow>(
      this.tx.manager,
      `SELECT ${ADMIN_USER_COLUMNS}, ${cursorAt('u')}
         FROM staging.scim_user u WHERE u.connection_id = $1 ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY u.created_at, u.id LIMIT $2`,
      params,
    );
    return adminPage(rows, toAdminUserRow);
  }

  /** One staged user as the console shows it: the stored resource and the last raw body the IdP sent. */
  async getUser(connectionId: string, id: string): Promise<StagedUserAdminRecord | null> {
    const [r] = await sqlRows<AdminUserRow & { resource: Record<string, unknown>; raw_payload: unknown }>(
      this.tx.manager,
      `SELECT ${ADMIN_USER_COLUMNS}, u.resource, u.raw_payload
         FROM staging.scim_user u WHERE u.connection_id = $1 AND u.id = $2`,
      [connectionId, id],
    );
    return r ? { ...toAdminUserRow(r), resource: r.resource, raw: r.raw_payload ?? null } : null;
  }

  async listGroups(
    connectionId: string,
    cursor: AdminKeyset | undefined,
    limit: number,
  ): Promise<AdminPage<StagedGroupAdminRow>> {
    const params: unknown[] = [connectionId, limit];
    const keyset = cursor ? `AND ${after('g', cursor, params)}` : '';
    const rows = await sqlRows<
      AdminCursorRow & {
        display_name: string;
        external_id: string | null;
        deleted_at: Date | null;
        created_at: Date;
        updated_at: Date;
        member_count: number;
      }
    >(
      this.tx.manager,
      `SELECT g.id, g.display_name, g.external_id, g.deleted_at, g.created_at, g.updated_at,
              (SELECT count(*) FROM staging.scim_group_member m WHERE m.group_id = g.id)::int AS member_count,
              ${cursorAt('g')}
         FROM staging.scim_group g WHERE g.connection_id = $1 ${keyset}
        ORDER BY g.created_at, g.id LIMIT $2`,
      params,
    );
    return adminPage(rows, (r) => ({
      id: r.id,
      displayName: r.display_name,
      externalId: r.external_id,
      memberCount: r.member_count,
      deleted: r.deleted_at !== null,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    }));
  }
}

/** The rows after `cursor` in (created_at, id) order; appends its two parameters. */
function after(alias: string, cursor: AdminKeyset, params: unknown[]): string {
  params.push(cursor.createdAt, cursor.id);
  return `(${alias}.created_at, ${alias}.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
}
