import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The person an entry is about (`subject_*`), and the indexes behind the list's filters: `?subject=`
 * (case-insensitive email OR userName: one index per column, each read newest- or oldest-first on
 * seq), `targetId`, `actorKeyId` and `correlationId` — each `(value, seq)` so a filtered page is a
 * keyset range scan however large the trail. Partial where the value is often absent.
 */
export class AuditAddSubject1764000900100 implements MigrationInterface {
  name = 'AuditAddSubject1764000900100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit.audit_entry
        ADD COLUMN subject_user_name text,
        ADD COLUMN subject_email text,
        ADD COLUMN subject_account_id text`);
    await q.query(
      `CREATE INDEX audit_entry__subject_email_seq__idx ON audit.audit_entry (lower(subject_email), seq)
        WHERE subject_email IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX audit_entry__subject_user_name_seq__idx ON audit.audit_entry (lower(subject_user_name), seq)
        WHERE subject_user_name IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX audit_entry__target_id_seq__idx ON audit.audit_entry (target_id, seq) WHERE target_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX audit_entry__actor_key_id_seq__idx ON audit.audit_entry (actor_key_id, seq)
        WHERE actor_key_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX audit_entry__correlation_id_seq__idx ON audit.audit_entry (correlation_id, seq)
        WHERE correlation_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit.audit_entry__correlation_id_seq__idx`);
    await q.query(`DROP INDEX audit.audit_entry__actor_key_id_seq__idx`);
    await q.query(`DROP INDEX audit.audit_entry__target_id_seq__idx`);
    await q.query(`DROP INDEX audit.audit_entry__subject_user_name_seq__idx`);
    await q.query(`DROP INDEX audit.audit_entry__subject_email_seq__idx`);
    await q.query(`
      ALTER TABLE audit.audit_entry
        DROP COLUMN subject_account_id,
        DROP COLUMN subject_email,
        DROP COLUMN subject_user_name`);
  }
}
