import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who added each group mapping rule, so an access grant it leads to can name the admin key behind
 * it (issue #18). Rules a replacement keeps keep their row, `created_at` and `created_by`; rules
 * written before this migration have no `created_by` (null).
 */
export class TenancyGroupMappingProvenance1764000900300 implements MigrationInterface {
  name = 'TenancyGroupMappingProvenance1764000900300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenancy.group_mapping ADD COLUMN created_by jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenancy.group_mapping DROP COLUMN created_by`);
  }
}
