import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay claims outbox rows by locking them (`FOR UPDATE SKIP LOCKED` in a transaction held
 * while it delivers) and deletes them once delivered, instead of leasing them with a status update
 * and marking them done with another: two non-HOT updates per event (a new tuple and new index
 * entries each time) were as much PostgreSQL work as the SCIM write that caused the event. What
 * stays in the table is what is still due: pending rows (new or waiting for a retry) and dead ones.
 * Delivered history lives where it always did: `platform.processed_event` per handler, and the
 * audit trail. `locked_until` and `processed_at` have no reader left.
 */
export class PlatformOutboxClaimByLock1763900000900 implements MigrationInterface {
  name = 'PlatformOutboxClaimByLock1763900000900';

  async up(q: QueryRunner): Promise<void> {
    // Rows an old relay had leased but not finished are due again; delivered ones are history.
    await q.query(`UPDATE platform.outbox_message SET status = 'pending' WHERE status = 'processing'`);
    await q.query(`DELETE FROM platform.outbox_message WHERE status = 'done'`);
    await q.query(`ALTER TABLE platform.outbox_message DROP CONSTRAINT outbox_message__status__ck`);
    await q.query(
      `ALTER TABLE platform.outbox_message ADD CONSTRAINT outbox_message__status__ck CHECK (status IN ('pending', 'dead'))`,
    );
    await q.query(`DROP INDEX platform.outbox_message__due__idx`);
    await q.query(`DROP INDEX platform.outbox_message__urgent_due__idx`);
    await q.query(
      `CREATE INDEX outbox_message__due__idx ON platform.outbox_message (id) WHERE status = 'pending' AND priority = 0`,
    );
    await q.query(
      `CREATE INDEX outbox_message__urgent_due__idx ON platform.outbox_message (id) WHERE status = 'pending' AND priority > 0`,
    );
    await q.query(`ALTER TABLE platform.outbox_message DROP COLUMN locked_until, DROP COLUMN processed_at`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE platform.outbox_message ADD COLUMN locked_until timestamptz, ADD COLUMN processed_at timestamptz`,
    );
    await q.query(`DROP INDEX platform.outbox_message__due__idx`);
    await q.query(`DROP INDEX platform.outbox_message__urgent_due__idx`);
    await q.query(
      `CREATE INDEX outbox_message__due__idx ON platform.outbox_message (id) WHERE status IN ('pending', 'processing')`,
    );
    await q.query(
      `CREATE INDEX outbox_message__urgent_due__idx ON platform.outbox_message (id) WHERE status IN ('pending', 'processing') AND priority > 0`,
    );
    await q.query(`ALTER TABLE platform.outbox_message DROP CONSTRAINT outbox_message__status__ck`);
    await q.query(
      `ALTER TABLE platform.outbox_message ADD CONSTRAINT outbox_message__status__ck CHECK (status IN ('pending', 'processing', 'done', 'dead'))`,
    );
  }
}
