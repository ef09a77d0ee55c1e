import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit windows shared by every replica (SCIM request rate, failed SCIM authentications).
 * Unlogged: a counter lost in a crash only resets a window, and a WAL record per SCIM request
 * would cost more than the count is worth.
 */
export class PlatformCreateRateWindow1764000900000 implements MigrationInterface {
  name = 'PlatformCreateRateWindow1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNLOGGED TABLE platform.rate_window (
         key text PRIMARY KEY,
         window_start timestamptz NOT NULL,
         ttl_ms integer NOT NULL,
         hits integer NOT NULL
       )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform.rate_window`);
  }
}
