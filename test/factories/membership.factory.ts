import type { DataSource } from 'typeorm';

/**
 * Makes a staged SCIM user a member the way Sync does (account + SCIM membership linked to the
 * staged user). Used by tests of the deprovisioning path that must not depend on a sync run.
 */
export async function linkScimMembership(
  ds: DataSource,
  m: { tenantId: string; connectionId: string; stagedUserId: string; email: string },
): Promise<{ accountId: string; membershipId: string }> {
  const [account] = await ds.query(
    `INSERT INTO tenancy.account (email) VALUES (lower($1))
     ON CONFLICT (email) DO UPDATE SET updated_at = now() RETURNING id`,
    [m.email],
  );
  const [membership] = await ds.query(
    `INSERT INTO tenancy.membership (tenant_id, account_id, status, source, connection_id, staged_user_id)
     VALUES ($1, $2, 'active', 'scim', $3, $4) RETURNING id`,
    [m.tenantId, account.id, m.connectionId, m.stagedUserId],
  );
  return { accountId: account.id, membershipId: membership.id };
}
