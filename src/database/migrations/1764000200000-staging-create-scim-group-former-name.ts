import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The names a staged group had before each rename (displayName and externalId as they were until
 * `renamed_at`). An incremental sync run looks a changed group up under every name it had since
 * the run's watermark: a member removed from "Finance" which was then renamed "Finance Archive"
 * held the access of "Finance", which no rule of the new name reveals.
 */
export class StagingCreateScimGroupFormerName1764000200000 implements MigrationInterface {
  name = 'StagingCreateScimGroupFormerName1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staging.scim_group_former_name (
        id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        group_id      uuid        NOT NULL REFERENCES staging.scim_group (id) ON DELETE CASCADE,
        tenant_id     uuid        NOT NULL,
        connection_id text        NOT NULL,
        display_name  text        NOT NULL,
        external_id   text,
        renamed_at    timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(
      `CREATE INDEX scim_group_former_name__group_id__idx ON staging.scim_group_former_name (group_id, renamed_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staging.scim_group_former_name`);
  }
}
