import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';

/** An internal group a member held, as revocation events name it. */
export interface HeldGroup {
  id: string;
  name: string;
  permissions: string[];
  sites: Array<{ id: string; name: string }>;
}

export interface MemberRow {
  membership_id: string;
  account_id: string;
  email: string;
  status: 'active' | 'revoked';
  source: 'scim' | 'manual';
  connection_id: string | null;
  staged_user_id: string | null;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  created_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
  groups: Array<{ id: string; name: string }>;
  permissions: string[];
  sites: Array<{ id: string; name: string }>;
}

/**
 * A member's effective access is computed here, in SQL, at read time: permissions and sites are the
 * union over the member's internal groups (sorted, unique), so a change to a group applies at once.
 */
const MEMBER_COLUMNS = `m.id AS membership_id, m.account_id, a.email, m.status, m.source, m.connection_id, m.staged_user_id,
  m.display_name, m.given_name, m.family_name, m.created_at, m.revoked_at, m.revoked_reason,
  COALESCE((SELECT json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY lower(g.name), g.id)
              FROM tenancy.membership_group mg JOIN tenancy.internal_group g ON g.id = mg.group_id
             WHERE mg.membership_id = m.id), '[]'::json) AS groups,
  ARRAY(SELECT DISTINCT p COLLATE "C" FROM tenancy.membership_group mg JOIN tenancy.internal_group g ON g.id = mg.group_id
          CROSS JOIN LATERAL unnest(g.permissions) AS p
         WHERE mg.membership_id = m.id ORDER BY 1) AS permissions,
  COALESCE((SELECT json_agg(json_build_object('id', s.id, 'name', s.name) ORDER BY lower(s.name), s.id)
              FROM tenancy.site s
             WHERE s.id IN (SELECT gs.site_id FROM tenancy.membership_group mg JOIN tenancy.internal_group_site gs ON gs.group_id = mg.group_id
                             WHERE mg.membership_id = m.id)), '[]'::json) AS sites`;

@Injectable()
export class MemberRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Members in email order, keyset-paged by (email, membership id). */
  list(
    tenantId: string,
    opts: { after?: [string, string]; limit: number; status?: 'active' | 'revoked' },
  ): Promise<MemberRow[]> {
    const params: unknown[] = [tenantId, opts.limit];
    let where = `m.tenant_id = $1`;
    if (opts.status) {
      params.push(opts.status);
      where += ` AND m.status = $${params.length}`;
    }
    if (opts.after) {
      params.push(opts.after[0], opts.after[1]);
      where += ` AND (a.email, m.id) > ($${params.length - 1}, $${params.length}::uuid)`;
    }
    return sqlRows<MemberRow>(
      this.tx.manager,
      `SELECT ${MEMBER_COLUMNS} FROM tenancy.membership m JOIN tenancy.account a ON a.id = m.account_id
        WHERE ${where} ORDER BY a.email, m.id LIMIT $2`,
      params,
    );
  }

  async findByAccount(tenantId: string, accountId: string): Promise<MemberRow | null> {
    const [row] = await sqlRows<MemberRow>(
      this.tx.manager,
      `SELECT ${MEMBER_COLUMNS} FROM tenancy.membership m JOIN tenancy.account a ON a.id = m.account_id
        WHERE m.tenant_id = $1 AND m.account_id = $2`,
      [tenantId, accountId],
    );
    return row ?? null;
  }

  /** The account of this email (created if missing), and its membership in the tenant row-locked, if any. */
  async lockMembershipByEmail(
    tenantId: string,
    email: string,
  ): Promise<{ accountId: string; membership: { id: string; status: string } | null }> {
    const [account] = await sqlRows<{ id: string }>(
      this.tx.manager,
      `INSERT INTO tenancy.account (email) VALUES ($1) ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`,
      [email],
    );
    const [membership] = await sqlRows<{ id: string; status: string }>(
      this.tx.manager,
      `SELECT id, status FROM tenancy.membership WHERE tenant_id = $1 AND account_id = $2 FOR UPDATE`,
      [tenantId, account.id],
    );
    return { accountId: account.id, membership: membership ?? null };
  }

  async insertManual(tenantId: string, accountId: string): Promise<string> {
    const [row] = await sqlRows<{ id: string }>(
      this.tx.manager,
      `INSERT INTO tenancy.membership (tenant_id, account_id, status, source) VALUES ($1, $2, 'active', 'manual') RETURNING id`,
      [tenantId, accountId],
    );
    return row.id;
  }

  /** Restores a revoked membership as a manual one: Sync no longer manages it (its SCIM link is cleared). */
  async restoreAsManual(tenantId: string, membershipId: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE tenancy.membership
          SET status = 'active', source = 'manual', connection_id = NULL, staged_user_id = NULL,
              revoked_at = NULL, revoked_reason = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, membershipId],
    );
  }

  /** Revokes the account's active membership; null when there is none. */
  async revoke(
    tenantId: string,
    accountId: string,
    reason: string,
  ): Promise<{ id: string; connection_id: string | null; staged_user_id: string | null } | null> {
    const [row] = await sqlRows<{ id: string; connection_id: string | null; staged_user_id: string | null }>(
      this.tx.manager,
      `UPDATE tenancy.membership SET status = 'revoked', revoked_at = now(), revoked_reason = $3, updated_at = now()
        WHERE tenant_id = $1 AND account_id = $2 AND status = 'active'
       RETURNING id, connection_id, staged_user_id`,
      [tenantId, accountId, reason],
    );
    return row ?? null;
  }

  /** The active membership of this email in the tenant, or null. */
  async findActiveByEmail(
    tenantId: string,
    email: string,
  ): Promise<{ membership_id: string; account_id: string; email: string } | null> {
    const [row] = await sqlRows<{ membership_id: string; account_id: string; email: string }>(
      this.tx.manager,
      `SELECT m.id AS membership_id, a.id AS account_id, a.email
         FROM tenancy.account a JOIN tenancy.membership m ON m.account_id = a.id
        WHERE a.email = lower($2) AND m.tenant_id = $1 AND m.status = 'active'`,
      [tenantId, email],
    );
    return row ?? null;
  }

  /** Revokes the active SCIM memberships this staged user provisioned: the ones it revoked, with the groups they held. */
  async revokeForStagedUser(
    connectionId: string,
    stagedUserId: string,
    reason: string,
  ): Promise<Array<{ id: string; account_id: string; tenant_id: string; email: string; groups: HeldGroup[] }>> {
    return sqlRows<{ id: string; account_id: string; tenant_id: string; email: string; groups: HeldGroup[] }>(
      this.tx.manager,
      `WITH r AS (
         UPDATE tenancy.membership
            SET status = 'revoked', revoked_at = now(), revoked_reason = $3, updated_at = now()
          WHERE connection_id = $1 AND staged_user_id = $2 AND source = 'scim' AND status = 'active'
          RETURNING id, account_id, tenant_id)
       SELECT r.*, a.email,
              COALESCE((SELECT json_agg(json_build_object('id', g.id, 'name', g.name, 'permissions', g.permissions, 'sites',
                         COALESCE((SELECT json_agg(json_build_object('id', s.id, 'name', s.name) ORDER BY lower(s.name), s.id)
                                     FROM tenancy.internal_group_site gs JOIN tenancy.site s ON s.id = gs.site_id
                                    WHERE gs.group_id = g.id), '[]'::json)) ORDER BY lower(g.name), g.id)
                          FROM tenancy.membership_group mg JOIN tenancy.internal_group g ON g.id = mg.group_id
                         WHERE mg.membership_id = r.id), '[]'::json) AS groups
         FROM r JOIN tenancy.account a ON a.id = r.account_id`,
      [connectionId, stagedUserId, reason],
    );
  }
}
