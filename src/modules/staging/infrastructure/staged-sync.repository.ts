import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import type {
  SyncChangeQuery,
  SyncOutcomeRecord,
  SyncStagedGroup,
  SyncStagedUser,
  SyncUserPage,
  SyncUserSelection,
} from '../public/staging-sync.types';
import type { StagingScope } from '../public/staging.types';
import { isUuid } from '../../../shared/domain/uuid';

interface SyncUserRow {
  id: string;
  user_name: string;
  external_id: string | null;
  primary_email: string | null;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  active: boolean;
  deleted: boolean;
  version: number;
  group_ids: string[];
  synced_at: Date | null;
  sync_skip_reason: string | null;
  cursor_at: string;
}

/**
 * Sync's reads and its one write of the staging tables, all in batches: a page of users comes with
 * its group ids aggregated in SQL (one round trip per page, never one per user).
 */
const USER_COLUMNS = `u.id, u.user_name, u.external_id, u.primary_email, u.display_name,
  u.resource->'name'->>'givenName' AS given_name, u.resource->'name'->>'familyName' AS family_name,
  u.active, (u.deleted_at IS NOT NULL) AS deleted, u.version, u.synced_at, u.sync_skip_reason,
  u.created_at::text AS cursor_at`;
const GROUP_IDS = `ARRAY(SELECT m.group_id FROM staging.scim_group_member m WHERE m.member_id = u.id AND m.connection_id = u.connection_id) AS group_ids`;

const toUser = (r: SyncUserRow): SyncStagedUser => ({
  id: r.id,
  userName: r.user_name,
  externalId: r.external_id,
  email: r.primary_email,
  displayName: r.display_name,
  givenName: typeof r.given_name === 'string' && r.given_name !== '' ? r.given_name : null,
  familyName: typeof r.family_name === 'string' && r.family_name !== '' ? r.family_name : null,
  active: r.active,
  deleted: r.deleted,
  version: r.version,
  groupIds: r.group_ids,
  syncedAt: r.synced_at,
  syncSkipReason: r.sync_skip_reason,
});

/** Keyset cursor: creation time as PostgreSQL text (microseconds kept) + id. */
function encodeCursor(r: SyncUserRow): string {
  return Buffer.from(JSON.stringify([r.cursor_at, r.id])).toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): [string, string] | null {
  if (!cursor) return null;
  const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string' || !isUuid(parsed[1])) {
    throw new Error('invalid sync cursor');
  }
  return [parsed[0], parsed[1]];
}

@Injectable()
export class StagedSyncRepository {
  constructor(private readonly tx: TransactionHost) {}

  async listUsers(scope: StagingScope, selection: SyncUserSelection): Promise<SyncUserPage> {
    if (selection.kind === 'ids') {
      const ids = selection.ids.filter((id) => isUuid(id));
      if (ids.length === 0) return { items: [], nextCursor: null };
      const rows = await sqlRows<SyncUserRow>(
        this.tx.manager,
        `SELECT ${USER_COLUMNS}, ${selection.withGroups === false ? `'{}'::uuid[] AS group_ids` : GROUP_IDS} FROM staging.scim_user u
          WHERE u.tenant_id = $1 AND u.connection_id = $2 AND u.id = ANY($3::uuid[])
          ORDER BY u.created_at, u.id`,
        [scope.tenantId, scope.connectionId, ids],
      );
      return { items: rows.map(toUser), nextCursor: null };
    }
    const after = decodeCursor(selection.cursor);
    const params: unknown[] = [scope.tenantId, scope.connectionId, selection.limit];
    let where = `u.tenant_id = $1 AND u.connection_id = $2`;
    if (selection.kind === 'deprovisionable') where += ` AND (u.active = false OR u.deleted_at IS NOT NULL)`;
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (u.created_at, u.id) > ($4::timestamptz, $5::uuid)`;
    }
    const rows = await sqlRows<SyncUserRow>(
      this.tx.manager,
      `SELECT ${USER_COLUMNS}, ${GROUP_IDS} FROM staging.scim_user u WHERE ${where} ORDER BY u.created_at, u.id LIMIT $3`,
      params,
    );
    return {
      items: rows.map(toUser),
      nextCursor: rows.length === selection.limit ? encodeCursor(rows[rows.length - 1]) : null,
    };
  }

  async listGroups(scope: StagingScope): Promise<SyncStagedGroup[]> {
    const rows = await sqlRows<{
      id: string;
      display_name: string;
      external_id: string | null;
      deleted: boolean;
      updated_at: Date;
      former_names: Array<{ display_name: string; external_id: string | null; renamed_at: string }>;
    }>(
      this.tx.manager,
      `SELECT g.id, g.display_name, g.external_id, (g.deleted_at IS NOT NULL) AS deleted, g.updated_at,
              COALESCE((SELECT json_agg(json_build_object('display_name', f.display_name, 'external_id', f.external_id,
                                                          'renamed_at', f.renamed_at) ORDER BY f.renamed_at)
                          FROM staging.scim_group_former_name f WHERE f.group_id = g.id), '[]'::json) AS former_names
         FROM staging.scim_group g WHERE g.tenant_id = $1 AND g.connection_id = $2`,
      [scope.tenantId, scope.connectionId],
    );
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      externalId: r.external_id,
      deleted: r.deleted,
      updatedAt: r.updated_at,
      formerNames: r.former_names.map((f) => ({
        displayName: f.display_name,
        externalId: f.external_id,
        renamedAt: new Date(f.renamed_at),
      })),
    }));
  }

  async listChangedUserIds(scope: StagingScope, q: SyncChangeQuery): Promise<string[]> {
    const rows = await sqlRows<{ id: string }>(
      this.tx.manager,
      `SELECT u.id FROM staging.scim_user u
        WHERE u.tenant_id = $1 AND u.connection_id = $2 AND u.updated_at > $3::timestamptz
       UNION
       SELECT u.id FROM staging.scim_user u
        WHERE u.tenant_id = $1 AND u.connection_id = $2 AND u.sync_skip_reason = ANY($5::text[])
       UNION
       SELECT m.member_id FROM staging.scim_group_member m
        WHERE m.group_id = ANY($4::uuid[]) AND m.connection_id = $2 AND m.member_type = 'User'`,
      [
        scope.tenantId,
        scope.connectionId,
        q.since.toISOString(),
        q.groupIds.filter((id) => isUuid(id)),
        q.retrySkipReasons,
      ],
    );
    return rows.map((r) => r.id);
  }

  /** Writes synced_at / sync_skip_reason only — never updated_at or version (not an IdP change). */
  async recordOutcomes(scope: StagingScope, outcomes: readonly SyncOutcomeRecord[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.tx.manager.query(
      `UPDATE staging.scim_user u
          SET synced_at = CASE WHEN o.synced THEN now() ELSE u.synced_at END, sync_skip_reason = o.reason
         FROM unnest($3::uuid[], $4::boolean[], $5::text[]) AS o(id, synced, reason)
        WHERE u.id = o.id AND u.tenant_id = $1 AND u.connection_id = $2`,
      [
        scope.tenantId,
        scope.connectionId,
        outcomes.map((o) => o.stagedUserId),
        outcomes.map((o) => o.synced),
        outcomes.map((o) => o.skipReason),
      ],
    );
  }
}
