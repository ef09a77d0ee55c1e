import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What Sync needs from the tenant model:
 * - the member's names per membership (an account is shared across tenants; two IdPs naming the same
 *   person differently must not overwrite each other on every run);
 * - at most one membership per staged user (the link Sync updates and deprovisions by);
 * - memberships by account (email changes check whether an account is shared).
 */
export class TenancyAddMemberProfileAndSyncIndexes1763900000400 implements MigrationInterface {
  name = 'TenancyAddMemberProfileAndSyncIndexes1763900000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE tenancy.membership ADD COLUMN display_name text, ADD COLUMN given_name text, ADD COLUMN family_name text`,
    );
    await q.query(`DROP INDEX tenancy.membership__connection_id_staged_user_id__idx`);
    await q.query(
      `CREATE UNIQUE INDEX membership__connection_id_staged_user_id__uq ON tenancy.membership (connection_id, staged_user_id) WHERE staged_user_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX membership__account_id__idx ON tenancy.membership (account_id)`);
    await q.query(`CREATE INDEX group_mapping__internal_group_id__idx ON tenancy.group_mapping (internal_group_id)`);
    await q.query(`CREATE INDEX internal_group_site__site_id__idx ON tenancy.internal_group_site (site_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tenancy.internal_group_site__site_id__idx`);
    await q.query(`DROP INDEX tenancy.group_mapping__internal_group_id__idx`);
    await q.query(`DROP INDEX tenancy.membership__account_id__idx`);
    await q.query(`DROP INDEX tenancy.membership__connection_id_staged_user_id__uq`);
    await q.query(
      `CREATE INDEX membership__connection_id_staged_user_id__idx ON tenancy.membership (connection_id, staged_user_id)`,
    );
    await q.query(
      `ALTER TABLE tenancy.membership DROP COLUMN display_name, DROP COLUMN given_name, DROP COLUMN family_name`,
    );
  }
}
