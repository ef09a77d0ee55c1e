import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The API key behind an admin actor (id, name, scope). Covered by the entry's hash for entries
 * that have them (chain format roster.audit.v2); existing entries keep theirs (v1) and verify as before.
 */
export class AuditAddActorKey1764000400100 implements MigrationInterface {
  name = 'AuditAddActorKey1764000400100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit.audit_entry
        ADD COLUMN actor_key_id text,
        ADD COLUMN actor_key_name text,
        ADD COLUMN actor_scope text,
        ADD CONSTRAINT audit_entry__actor_key__ck CHECK (
          (actor_key_id IS NULL AND actor_key_name IS NULL AND actor_scope IS NULL)
          OR (actor_type = 'admin' AND actor_key_name IS NOT NULL AND actor_scope IN ('admin', 'tenant', 'sessions')))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit.audit_entry
        DROP CONSTRAINT audit_entry__actor_key__ck,
        DROP COLUMN actor_key_id,
        DROP COLUMN actor_key_name,
        DROP COLUMN actor_scope`);
  }
}
