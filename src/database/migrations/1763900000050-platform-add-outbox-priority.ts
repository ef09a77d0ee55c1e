import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An urgent lane in the outbox: events whose delay costs security (deactivation, deletion, revoked
 * membership) are claimed by their own relay loop, never queued behind a backlog of ordinary ones.
 */
export class PlatformAddOutboxPriority1763900000050 implements MigrationInterface {
  name = 'PlatformAddOutboxPriority1763900000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.outbox_message ADD COLUMN priority smallint NOT NULL DEFAULT 0`);
    await q.query(
      `CREATE INDEX outbox_message__urgent_due__idx ON platform.outbox_message (id) WHERE status IN ('pending', 'processing') AND priority > 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX platform.outbox_message__urgent_due__idx`);
    await q.query(`ALTER TABLE platform.outbox_message DROP COLUMN priority`);
  }
}
