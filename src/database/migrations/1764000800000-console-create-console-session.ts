import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Admin console sign-ins: the SHA-256 of the cookie's session id, the key's principal, idle and absolute expiry. */
export class ConsoleCreateConsoleSession1764000800000 implements MigrationInterface {
  name = 'ConsoleCreateConsoleSession1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS console`);
    await q.query(`
      CREATE TABLE console.console_session (
        id                  uuid        PRIMARY KEY,
        id_hash             bytea       NOT NULL,
        key_id              text        NOT NULL,
        key_name            text        NOT NULL,
        scope               text        NOT NULL,
        tenant_id           uuid,
        created_at          timestamptz NOT NULL DEFAULT now(),
        last_seen_at        timestamptz NOT NULL DEFAULT now(),
        idle_expires_at     timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        ended_at            timestamptz,
        end_reason          text,
        CONSTRAINT console_session__id_hash__uq UNIQUE (id_hash),
        CONSTRAINT console_session__id_hash_len__ck CHECK (octet_length(id_hash) = 32),
        CONSTRAINT console_session__scope__ck CHECK (scope IN ('admin', 'tenant'))
      )`);
    await q.query(
      `CREATE INDEX console_session__expiry__idx ON console.console_session (LEAST(idle_expires_at, absolute_expires_at))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE console.console_session`);
    await q.query(`DROP SCHEMA console`);
  }
}
