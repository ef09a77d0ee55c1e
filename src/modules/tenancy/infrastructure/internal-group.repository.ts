import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import type { Actor } from '../../../shared/domain/domain-event';

export interface SiteRow {
  id: string;
  name: string;
  created_at: Date;
}

export interface InternalGroupRow {
  id: string;
  name: string;
  permissions: string[];
  sites: Array<{ id: string; name: string }>;
  created_at: Date;
  updated_at: Date;
}

export interface GroupMappingRow {
  id: string;
  scim_group_display_name: string | null;
  scim_group_external_id: string | null;
  internal_group_id: string;
  internal_group_name: string;
  created_at: Date;
  /** Who added the rule (null for rules older than the column). */
  created_by: Actor | null;
}

const GROUP_COLUMNS = `g.id, g.name, g.permissions, g.created_at, g.updated_at,
  COALESCE((SELECT json_agg(json_build_object('id', s.id, 'name', s.name) ORDER BY lower(s.name), s.id)
              FROM tenancy.internal_group_site gs JOIN tenancy.site s ON s.id = gs.site_id
             WHERE gs.group_id = g.id), '[]'::json) AS sites`;

/** Internal groups, sites and group mapping rules of a tenant (every method takes the tenant). */
@Injectable()
export class InternalGroupRepository {
  constructor(private readonly tx: TransactionHost) {}

  // ---- sites ----

  async insertSite(tenantId: string, name: string): Promise<SiteRow> {
    const [row] = await sqlRows<SiteRow>(
      this.tx.manager,
      `INSERT INTO tenancy.site (tenant_id, name) VALUES ($1, $2) RETURNING id, name, created_at`,
      [tenantId, name],
    );
    return row;
  }

  listSites(tenantId: string): Promise<SiteRow[]> {
    return sqlRows<SiteRow>(
      this.tx.manager,
      `SELECT id, name, created_at FROM tenancy.site WHERE tenant_id = $1 ORDER BY lower(name), id`,
      [tenantId],
    );
  }

  async findSite(tenantId: string, siteId: string): Promise<SiteRow | null> {
    const [row] = await sqlRows<SiteRow>(
      this.tx.manager,
      `SELECT id, name, created_at FROM tenancy.site WHERE tenant_id = $1 AND id = $2`,
      [tenantId, siteId],
    );
    return row ?? null;
  }

  async renameSite(tenantId: string, siteId: string, name: string): Promise<SiteRow | null> {
    const [row] = await sqlRows<SiteRow>(
      this.tx.manager,
      `UPDATE tenancy.site SET name = $3 WHERE tenant_id = $1 AND id = $2 RETURNING id, name, created_at`,
      [tenantId, siteId, name],
    );
    return row ?? null;
  }

  async deleteSite(tenantId: string, siteId: string): Promise<SiteRow | null> {
    const [row] = await sqlRows<SiteRow>(
      this.tx.manager,
      `DELETE FROM tenancy.site WHERE tenant_id = $1 AND id = $2 RETURNING id, name, created_at`,
      [tenantId, siteId],
    );
    return row ?? null;
  }

  /** The subset of `siteIds` that are sites of the tenant. */
  async existingSiteIds(tenantId: string, siteIds: readonly string[]): Promise<Set<string>> {
    if (siteIds.length === 0) return new Set();
    const rows = await sqlRows<{ id: string }>(
      this.tx.manager,
      `SELECT id FROM tenancy.site WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [tenantId, siteIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  // ---- internal groups ----

  async insertGroup(tenantId: string, name: string, permissions: readonly string[]): Promise<string> {
    const [row] = await sqlRows<{ id: string }>(
      this.tx.manager,
      `INSERT INTO tenancy.internal_group (tenant_id, name, permissions) VALUES ($1, $2, $3::text[]) RETURNING id`,
      [tenantId, name, permissions],
    );
    return row.id;
  }

  async updateGroup(
    tenantId: string,
    groupId: string,
    changes: { name?: string; permissions?: readonly string[] },
  ): Promise<void> {
    await this.tx.manager.query(
      `UPDATE tenancy.internal_group SET name = COALESCE($3, name), permissions = COALESCE($4::text[], permissions), updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, groupId, changes.name ?? null, changes.permissions ?? null],
    );
  }

  async replaceGroupSites(groupId: string, siteIds: readonly string[]): Promise<void> {
    await this.tx.manager.query(
      `WITH d AS (DELETE FROM tenancy.internal_group_site WHERE group_id = $1 AND NOT (site_id = ANY($2::uuid[])))
       INSERT INTO tenancy.internal_group_site (group_id, site_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [groupId, siteIds],
    );
  }

  async findGroup(
    tenantId: string,
    groupId: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<InternalGroupRow | null> {
    if (opts.forUpdate) {
      await this.tx.manager.query(`SELECT 1 FROM tenancy.internal_group WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [
        tenantId,
        groupId,
      ]);
    }
    const [row] = await sqlRows<InternalGroupRow>(
      this.tx.manager,
      `SELECT ${GROUP_COLUMNS} FROM tenancy.internal_group g WHERE g.tenant_id = $1 AND g.id = $2`,
      [tenantId, groupId],
    );
    return row ?? null;
  }

  listGroups(tenantId: string): Promise<InternalGroupRow[]> {
    return sqlRows<InternalGroupRow>(
      this.tx.manager,
      `SELECT ${GROUP_COLUMNS} FROM tenancy.internal_group g WHERE g.tenant_id = $1 ORDER BY lower(g.name), g.id`,
      [tenantId],
    );
  }

  async deleteGroup(tenantId: string, groupId: string): Promise<{ id: string; name: string } | null> {
    const [row] = await sqlRows<{ id: string; name: string }>(
      this.tx.manager,
      `DELETE FROM tenancy.internal_group WHERE tenant_id = $1 AND id = $2 RETURNING id, name`,
      [tenantId, groupId],
    );
    return row ?? null;
  }

  /** The subset of `groupIds` that are internal groups of the tenant. */
  async existingGroupIds(tenantId: string, groupIds: readonly string[]): Promise<Set<string>> {
    if (groupIds.length === 0) return new Set();
    const rows = await sqlRows<{ id: string }>(
      this.tx.manager,
      `SELECT id FROM tenancy.internal_group WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [tenantId, groupIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  // ---- group mappings ----

  listMappings(tenantId: string, connectionId: string): Promise<GroupMappingRow[]> {
    return sqlRows<GroupMappingRow>(
      this.tx.manager,
      `SELECT gm.id, gm.scim_group_display_name, gm.scim_group_external_id, gm.internal_group_id, g.name AS internal_group_name,
              gm.created_at, gm.created_by
         FROM tenancy.group_mapping gm JOIN tenancy.internal_group g ON g.id = gm.internal_group_id
        WHERE gm.tenant_id = $1 AND gm.connection_id = $2
        ORDER BY lower(gm.scim_group_display_name) NULLS LAST, gm.scim_group_external_id, lower(g.name), gm.id`,
      [tenantId, connectionId],
    );
  }

  /**
   * Makes `rules` the connection's rules. A rule that stays keeps its row (its `created_at` and
   * `created_by`: who gave the access it leads to); new rules are recorded as added by `createdBy`.
   */
  async replaceMappings(
    tenantId: string,
    connectionId: string,
    rules: ReadonlyArray<{ displayName: string | null; externalId: string | null; internalGroupId: string }>,
    createdBy: Actor | null,
  ): Promise<void> {
    const params = [
      tenantId,
      connectionId,
      rules.map((r) => r.displayName),
      rules.map((r) => r.externalId),
      rules.map((r) => r.internalGroupId),
    ];
    const same = `gm.internal_group_id = r.group_id AND gm.scim_group_display_name IS NOT DISTINCT FROM r.display_name
                  AND gm.scim_group_external_id IS NOT DISTINCT FROM r.external_id`;
    const wanted = `unnest($3::text[], $4::text[], $5::uuid[]) AS r(display_name, external_id, group_id)`;
    await this.tx.manager.query(
      `DELETE FROM tenancy.group_mapping gm WHERE gm.tenant_id = $1 AND gm.connection_id = $2
          AND NOT EXISTS (SELECT 1 FROM ${wanted} WHERE ${same})`,
      params,
    );
    if (rules.length === 0) return;
    await this.tx.manager.query(
      `INSERT INTO tenancy.group_mapping (tenant_id, connection_id, scim_group_display_name, scim_group_external_id, internal_group_id, created_by)
       SELECT $1, $2, r.display_name, r.external_id, r.group_id, $6::jsonb FROM ${wanted}
        WHERE NOT EXISTS (SELECT 1 FROM tenancy.group_mapping gm WHERE gm.tenant_id = $1 AND gm.connection_id = $2 AND ${same})`,
      [...params, createdBy ? JSON.stringify(createdBy) : null],
    );
  }
}
