import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which hash rule made each entry: 3 = HMAC-SHA256 under AUDIT_CHAIN_KEY (chain format
 * roster.audit.v3, every entry from now on); null = the unkeyed SHA-256 rules v1/v2 of the entries
 * written before, which keep verifying as they were. Verification refuses an unkeyed entry after a
 * keyed one (a rewrite that dropped to the old rule to avoid needing the key).
 */
export class AuditKeyedChain1764000900200 implements MigrationInterface {
  name = 'AuditKeyedChain1764000900200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit.audit_entry
        ADD COLUMN hash_version smallint,
        ADD CONSTRAINT audit_entry__hash_version__ck CHECK (hash_version IS NULL OR hash_version = 3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit.audit_entry
        DROP CONSTRAINT audit_entry__hash_version__ck,
        DROP COLUMN hash_version`);
  }
}
