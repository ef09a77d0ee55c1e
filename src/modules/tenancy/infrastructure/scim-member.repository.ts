import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import type { CurrentMembership } from '../domain/scim-member-plan';

interface MembershipRow {
  id: string;
  version: string;
  status: 'active' | 'revoked';
  source: 'scim' | 'manual';
  connection_id: string | null;
  staged_user_id: string | null;
  revoked_reason: string | null;
  account_id: string;
  email: string;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  scim_group_ids: string[];
  other_group_ids: string[];
}

export interface NewAccount {
  email: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
}

export interface MembershipWrite {
  id: string;
  version: string;
  stagedUserId: string;
  accountId: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
}

export interface NewMembership {
  accountId: string;
  stagedUserId: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
}

/** A write refused because a row changed after it was read (optimistic concurrency). */
export class ConcurrentMembershipChangeError extends Error {
  constructor(expected: number, actual: number) {
    super(`memberships changed concurrently (${actual} of ${expected} rows still as read)`);
  }
}

/**
 * Set-based reads and writes of Sync's batches: one statement per kind of change for the whole
 * batch (multi-row INSERT … ON CONFLICT, UPDATE … FROM unnest), never one per user. Writes to
 * existing memberships are guarded by the row version read with them (xmin).
 */
@Injectable()
export class ScimMemberRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Memberships of the tenant linked to these staged users of the connection, or held by accounts of these emails. */
  async loadMemberships(
    tenantId: string,
    connectionId: string,
    stagedUserIds: readonly string[],
    emails: readonly string[],
  ): Promise<CurrentMembership[]> {
    const rows = await sqlRows<MembershipRow>(
      this.tx.manager,
      `WITH ids AS (
         SELECT m.id FROM tenancy.membership m
          WHERE m.connection_id = $2 AND m.staged_user_id = ANY($3::uuid[]) AND m.tenant_id = $1
         UNION
         SELECT m.id FROM tenancy.account a JOIN tenancy.membership m ON m.account_id = a.id AND m.tenant_id = $1
          WHERE a.email = ANY($4::text[]))
       SELECT m.id, m.xmin::text AS version, m.status, m.source, m.connection_id, m.staged_user_id, m.revoked_reason,
              m.account_id, a.email, m.display_name, m.given_name, m.family_name,
              ARRAY(SELECT mg.group_id FROM tenancy.membership_group mg WHERE mg.membership_id = m.id AND mg.source = 'scim') AS scim_group_ids,
              ARRAY(SELECT mg.group_id FROM tenancy.membership_group mg WHERE mg.membership_id = m.id AND mg.source <> 'scim') AS other_group_ids
         FROM ids JOIN tenancy.membership m ON m.id = ids.id JOIN tenancy.account a ON a.id = m.account_id`,
      [tenantId, connectionId, stagedUserIds, emails],
    );
    return rows.map((r) => ({
      id: r.id,
      version: r.version,
      status: r.status,
      source: r.source,
      connectionId: r.connection_id,
      stagedUserId: r.staged_user_id,
      revokedReason: r.revoked_reason,
      accountId: r.account_id,
      email: r.email,
      displayName: r.display_name,
      givenName: r.given_name,
      familyName: r.family_name,
      scimGroupIds: r.scim_group_ids,
      otherGroupIds: r.other_group_ids,
    }));
  }

  async accountsByEmail(emails: readonly string[]): Promise<Map<string, string>> {
    if (emails.length === 0) return new Map();
    const rows = await sqlRows<{ id: string; email: string }>(
      this.tx.manager,
      `SELECT id, email FROM tenancy.account WHERE email = ANY($1::text[])`,
      [emails],
    );
    return new Map(rows.map((r) => [r.email, r.id]));
  }

  /** Which of these accounts hold more than one membership (in any tenant). */
  async sharedAccounts(accountIds: readonly string[]): Promise<Set<string>> {
    if (accountIds.length === 0) return new Set();
    const rows = await sqlRows<{ account_id: string }>(
      this.tx.manager,
      `SELECT account_id FROM tenancy.membership WHERE account_id = ANY($1::uuid[]) GROUP BY account_id HAVING count(*) > 1`,
      [accountIds],
    );
    return new Set(rows.map((r) => r.account_id));
  }

  /** Creates the accounts (or finds them, if created meanwhile); returns email → id. Names are set at creation only. */
  async upsertAccounts(accounts: readonly NewAccount[]): Promise<Map<string, string>> {
    if (accounts.length === 0) return new Map();
    const rows = await sqlRows<{ id: string; email: string }>(
      this.tx.manager,
      `INSERT INTO tenancy.account (email, display_name, given_name, family_name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
       RETURNING id, email`,
      [
        accounts.map((a) => a.email),
        accounts.map((a) => a.displayName),
        accounts.map((a) => a.givenName),
        accounts.map((a) => a.familyName),
      ],
    );
    return new Map(rows.map((r) => [r.email, r.id]));
  }

  async renameAccounts(renames: ReadonlyArray<{ accountId: string; email: string }>): Promise<void> {
    if (renames.length === 0) return;
    await this.tx.manager.query(
      `UPDATE tenancy.account a SET email = r.email, updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS r(id, email) WHERE a.id = r.id`,
      [renames.map((r) => r.accountId), renames.map((r) => r.email)],
    );
  }

  async insertMemberships(
    tenantId: string,
    connectionId: string,
    rows: readonly NewMembership[],
  ): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const inserted = await sqlRows<{ id: string; staged_user_id: string }>(
      this.tx.manager,
      `INSERT INTO tenancy.membership (tenant_id, account_id, status, source, connection_id, staged_user_id, display_name, given_name, family_name)
       SELECT $1, r.account_id, 'active', 'scim', $2, r.staged_user_id, r.display_name, r.given_name, r.family_name
         FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[]) AS r(account_id, staged_user_id, display_name, given_name, family_name)
       RETURNING id, staged_user_id`,
      [
        tenantId,
        connectionId,
        rows.map((r) => r.accountId),
        rows.map((r) => r.stagedUserId),
        rows.map((r) => r.displayName),
        rows.map((r) => r.givenName),
        rows.map((r) => r.familyName),
      ],
    );
    return new Map(inserted.map((r) => [r.staged_user_id, r.id]));
  }

  /** Brings memberships to an active SCIM membership of (connection, staged user) with these attributes. */
  async activateMemberships(tenantId: string, connectionId: string, rows: readonly MembershipWrite[]): Promise<void> {
    if (rows.length === 0) return;
    const updated = await sqlRows<{ id: string }>(
      this.tx.manager,
      `UPDATE tenancy.membership m
          SET status = 'active', source = 'scim', connection_id = $2, staged_user_id = r.staged_user_id, account_id = r.account_id,
              display_name = r.display_name, given_name = r.given_name, family_name = r.family_name,
              revoked_at = NULL, revoked_reason = NULL, updated_at = now()
         FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[])
              AS r(id, version, staged_user_id, account_id, display_name, given_name, family_name)
        WHERE m.id = r.id AND m.tenant_id = $1 AND m.xmin = r.version::xid
       RETURNING m.id`,
      [
        tenantId,
        connectionId,
        rows.map((r) => r.id),
        rows.map((r) => r.version),
        rows.map((r) => r.stagedUserId),
        rows.map((r) => r.accountId),
        rows.map((r) => r.displayName),
        rows.map((r) => r.givenName),
        rows.map((r) => r.familyName),
      ],
    );
    if (updated.length !== rows.length) throw new ConcurrentMembershipChangeError(rows.length, updated.length);
  }

  async revokeMemberships(
    tenantId: string,
    rows: ReadonlyArray<{ id: string; version: string }>,
    reason: string,
  ): Promise<void> {
    if (rows.length === 0) return;
    const revoked = await sqlRows<{ id: string }>(
      this.tx.manager,
      `UPDATE tenancy.membership m SET status = 'revoked', revoked_at = now(), revoked_reason = $2, updated_at = now()
         FROM unnest($3::uuid[], $4::text[]) AS r(id, version)
        WHERE m.id = r.id AND m.tenant_id = $1 AND m.xmin = r.version::xid AND m.status = 'active'
       RETURNING m.id`,
      [tenantId, reason, rows.map((r) => r.id), rows.map((r) => r.version)],
    );
    if (revoked.length !== rows.length) throw new ConcurrentMembershipChangeError(rows.length, revoked.length);
  }

  /**
   * Removes and adds SCIM-sourced group rows in one statement. Groups that are not the tenant's
   * (deleted meanwhile) are ignored rather than failing the batch.
   */
  async changeScimGroups(
    tenantId: string,
    remove: ReadonlyArray<{ membershipId: string; groupId: string }>,
    add: ReadonlyArray<{ membershipId: string; groupId: string }>,
  ): Promise<void> {
    if (remove.length === 0 && add.length === 0) return;
    await this.tx.manager.query(
      `WITH removed AS (
         DELETE FROM tenancy.membership_group mg
          USING unnest($2::uuid[], $3::uuid[]) AS d(membership_id, group_id)
          WHERE mg.membership_id = d.membership_id AND mg.group_id = d.group_id AND mg.source = 'scim')
       INSERT INTO tenancy.membership_group (membership_id, group_id, source)
       SELECT a.membership_id, a.group_id, 'scim'
         FROM unnest($4::uuid[], $5::uuid[]) AS a(membership_id, group_id)
         JOIN tenancy.internal_group g ON g.id = a.group_id AND g.tenant_id = $1
       ON CONFLICT (membership_id, group_id) DO NOTHING`,
      [
        tenantId,
        remove.map((r) => r.membershipId),
        remove.map((r) => r.groupId),
        add.map((r) => r.membershipId),
        add.map((r) => r.groupId),
      ],
    );
  }

  /** Staged users of the connection whose membership holds SCIM-sourced rows of these internal groups. */
  async stagedUsersHoldingGroups(
    tenantId: string,
    connectionId: string,
    groupIds: readonly string[],
  ): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const rows = await sqlRows<{ staged_user_id: string }>(
      this.tx.manager,
      `SELECT DISTINCT m.staged_user_id FROM tenancy.membership_group mg JOIN tenancy.membership m ON m.id = mg.membership_id
        WHERE mg.group_id = ANY($3::uuid[]) AND mg.source = 'scim' AND m.tenant_id = $1 AND m.connection_id = $2 AND m.source = 'scim'`,
      [tenantId, connectionId, groupIds],
    );
    return rows.map((r) => r.staged_user_id);
  }
}
