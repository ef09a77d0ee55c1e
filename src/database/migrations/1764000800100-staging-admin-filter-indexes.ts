import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's staged-users filters, each answered from an index on a connection of any size: email
 * and deleted users' userName equality, and keyset pages over the (usually few) inactive/deleted and skipped users — partial
 * indexes, so the common write (an active user Sync provisioned) does not touch them.
 */
export class StagingAdminFilterIndexes1764000800100 implements MigrationInterface {
  name = 'StagingAdminFilterIndexes1764000800100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX scim_user__connection_id_primary_email__idx ON staging.scim_user (connection_id, lower(primary_email))`,
    );
    // Live userNames have the unique index; deleted ones this partial one (few rows, written on delete only).
    await q.query(
      `CREATE INDEX scim_user__deleted_user_name__idx ON staging.scim_user (connection_id, lower(user_name))
        WHERE deleted_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX scim_user__not_active__idx ON staging.scim_user (connection_id, created_at, id)
        WHERE NOT active OR deleted_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX scim_user__skipped__idx ON staging.scim_user (connection_id, sync_skip_reason, created_at, id)
        WHERE sync_skip_reason IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX staging.scim_user__skipped__idx`);
    await q.query(`DROP INDEX staging.scim_user__not_active__idx`);
    await q.query(`DROP INDEX staging.scim_user__deleted_user_name__idx`);
    await q.query(`DROP INDEX staging.scim_user__connection_id_primary_email__idx`);
  }
}
