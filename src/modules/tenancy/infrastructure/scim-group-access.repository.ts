import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';

/** An active SCIM member of a connection holding a SCIM-sourced row of an internal group. */
export interface ScimGroupHolder {
  membershipId: string;
  accountId: string;
  email: string;
  stagedUserId: string;
  groupId: string;
}

/** An internal group as a revocation records it: what the group carried at that moment. */
export interface GroupAccess {
  name: string;
  permissions: string[];
  sites: Array<{ id: string; name: string }>;
}

/** The reads and the one write of the immediate revocation of SCIM-sourced group rows. */
@Injectable()
export class ScimGroupAccessRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Active SCIM memberships of the connection with SCIM-sourced rows of these internal groups —
   * of the given staged users, or of every staged user when `stagedUserIds` is null.
   */
  async findHolders(
    tenantId: string,
    connectionId: string,
    groupIds: readonly string[],
    stagedUserIds: readonly string[] | null,
  ): Promise<ScimGroupHolder[]> {
    if (groupIds.length === 0 || stagedUserIds?.length === 0) return [];
    const rows = await sqlRows<{
      membership_id: string;
      account_id: string;
      email: string;
      staged_user_id: string;
      group_id: string;
    }>(
      this.tx.manager,
      `SELECT m.id AS membership_id, m.account_id, a.email, m.staged_user_id, mg.group_id
         FROM tenancy.membership m
         JOIN tenancy.membership_group mg ON mg.membership_id = m.id AND mg.source = 'scim' AND mg.group_id = ANY($3::uuid[])
         JOIN tenancy.account a ON a.id = m.account_id
        WHERE m.connection_id = $2 AND m.tenant_id = $1 AND m.source = 'scim' AND m.status = 'active'
          ${stagedUserIds ? 'AND m.staged_user_id = ANY($4::uuid[])' : ''}`,
      // Two statement texts, not `$4 IS NULL OR …`: a prepared statement's generic plan keeps the OR.
      stagedUserIds ? [tenantId, connectionId, groupIds, stagedUserIds] : [tenantId, connectionId, groupIds],
    );
    return rows.map((r) => ({
      membershipId: r.membership_id,
      accountId: r.account_id,
      email: r.email,
      stagedUserId: r.staged_user_id,
      groupId: r.group_id,
    }));
  }

  /** Deletes these SCIM-sourced rows; returns the ones that were still there (a second call removes nothing). */
  async removeScimGroups(
    pairs: ReadonlyArray<{ membershipId: string; groupId: string }>,
  ): Promise<Array<{ membershipId: string; groupId: string }>> {
    if (pairs.length === 0) return [];
    const rows = await sqlRows<{ membership_id: string; group_id: string }>(
      this.tx.manager,
      `DELETE FROM tenancy.membership_group mg
        USING unnest($1::uuid[], $2::uuid[]) AS d(membership_id, group_id)
        WHERE mg.membership_id = d.membership_id AND mg.group_id = d.group_id AND mg.source = 'scim'
       RETURNING mg.membership_id, mg.group_id`,
      [pairs.map((p) => p.membershipId), pairs.map((p) => p.groupId)],
    );
    return rows.map((r) => ({ membershipId: r.membership_id, groupId: r.group_id }));
  }

  /** Name, permissions and sites of these internal groups of the tenant. */
  async describeGroups(tenantId: string, groupIds: readonly string[]): Promise<Map<string, GroupAccess>> {
    if (groupIds.length === 0) return new Map();
    const rows = await sqlRows<{ id: string } & GroupAccess>(
      this.tx.manager,
      `SELECT g.id, g.name, g.permissions,
              COALESCE((SELECT json_agg(json_build_object('id', s.id, 'name', s.name) ORDER BY lower(s.name), s.id)
                          FROM tenancy.internal_group_site gs JOIN tenancy.site s ON s.id = gs.site_id
                         WHERE gs.group_id = g.id), '[]'::json) AS sites
         FROM tenancy.internal_group g WHERE g.tenant_id = $1 AND g.id = ANY($2::uuid[])`,
      [tenantId, groupIds],
    );
    return new Map(rows.map((r) => [r.id, { name: r.name, permissions: r.permissions, sites: r.sites }]));
  }
}
