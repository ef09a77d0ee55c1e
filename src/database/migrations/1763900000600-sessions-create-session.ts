import type { MigrationInterface, QueryRunner } from 'typeorm';

/** End users' login sessions: hashed tokens with idle and absolute expiry. */
export class SessionsCreateSession1763900000600 implements MigrationInterface {
  name = 'SessionsCreateSession1763900000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS sessions`);
    await q.query(`
      CREATE TABLE sessions.session (
        id                  uuid        PRIMARY KEY,
        tenant_id           uuid        NOT NULL,
        account_id          uuid        NOT NULL,
        token_hash          bytea       NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        last_seen_at        timestamptz NOT NULL DEFAULT now(),
        idle_expires_at     timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        ended_at            timestamptz,
        end_reason          text,
        CONSTRAINT session__token_hash__uq UNIQUE (token_hash),
        CONSTRAINT session__token_hash_len__ck CHECK (octet_length(token_hash) = 32)
      )`);
    await q.query(
      `CREATE INDEX session__tenant_id_account_id__idx ON sessions.session (tenant_id, account_id, created_at)`,
    );
    await q.query(`CREATE INDEX session__live__idx ON sessions.session (tenant_id, account_id) WHERE ended_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sessions.session`);
    await q.query(`DROP SCHEMA sessions`);
  }
}
