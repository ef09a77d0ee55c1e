import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an admin checks first when an IdP reports a problem: the connection's SCIM traffic per UTC
 * hour (requests, 4xx, 5xx, last request; flushed from in-memory counters every few seconds, so the
 * SCIM hot path writes nothing) and its last sync run (projected from sync's run events).
 */
export class TenancyScimConnectionHealth1764000700100 implements MigrationInterface {
  name = 'TenancyScimConnectionHealth1764000700100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenancy.scim_connection_traffic (
        connection_id   text        NOT NULL REFERENCES tenancy.scim_connection (id),
        hour            timestamptz NOT NULL,
        requests        integer     NOT NULL,
        client_errors   integer     NOT NULL,
        server_errors   integer     NOT NULL,
        last_request_at timestamptz NOT NULL,
        CONSTRAINT scim_connection_traffic__pk PRIMARY KEY (connection_id, hour)
      )`);
    await q.query(`
      ALTER TABLE tenancy.scim_connection
        ADD COLUMN last_sync_run_id uuid,
        ADD COLUMN last_sync_status text,
        ADD COLUMN last_sync_at     timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE tenancy.scim_connection DROP COLUMN last_sync_run_id, DROP COLUMN last_sync_status, DROP COLUMN last_sync_at`,
    );
    await q.query(`DROP TABLE tenancy.scim_connection_traffic`);
  }
}
