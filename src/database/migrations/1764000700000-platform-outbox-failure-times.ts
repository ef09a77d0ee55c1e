import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When an outbox event first and last failed delivery: what an admin reads on a dead letter. */
export class PlatformOutboxFailureTimes1764000700000 implements MigrationInterface {
  name = 'PlatformOutboxFailureTimes1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE platform.outbox_message ADD COLUMN first_failed_at timestamptz, ADD COLUMN last_failed_at timestamptz`,
    );
    // Rows that failed before these columns existed: their last try is the best known.
    await q.query(
      `UPDATE platform.outbox_message SET first_failed_at = available_at, last_failed_at = available_at WHERE attempts > 0`,
    );
    await q.query(`CREATE INDEX outbox_message__dead__idx ON platform.outbox_message (id) WHERE status = 'dead'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX platform.outbox_message__dead__idx`);
    await q.query(`ALTER TABLE platform.outbox_message DROP COLUMN first_failed_at, DROP COLUMN last_failed_at`);
  }
}
