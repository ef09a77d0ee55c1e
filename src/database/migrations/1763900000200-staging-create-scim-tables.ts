import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shadow tables of what each SCIM connection pushed: users, groups, memberships. Core attributes
 * are indexed columns; the canonical resource is JSONB; the last raw request body is kept beside it.
 */
export class StagingCreateScimTables1763900000200 implements MigrationInterface {
  name = 'StagingCreateScimTables1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS staging`);
    await q.query(`
      CREATE TABLE staging.scim_user (
        id               uuid        PRIMARY KEY,
        tenant_id        uuid        NOT NULL,
        connection_id    text        NOT NULL,
        user_name        text        NOT NULL,
        external_id      text,
        display_name     text,
        active           boolean     NOT NULL DEFAULT true,
        primary_email    text,
        resource         jsonb       NOT NULL,
        raw_payload      jsonb,
        version          integer     NOT NULL DEFAULT 1,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        deleted_at       timestamptz,
        synced_at        timestamptz,
        sync_skip_reason text
      )`);
    // RFC 7643 §4.1.1: userName is unique (caseExact false) — per connection, among live users;
    // a deleted user's userName can be used again.
    await q.query(
      `CREATE UNIQUE INDEX scim_user__connection_id_user_name__uq ON staging.scim_user (connection_id, lower(user_name)) WHERE deleted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX scim_user__connection_id_external_id__idx ON staging.scim_user (connection_id, external_id)`,
    );
    await q.query(
      `CREATE INDEX scim_user__connection_id_created_at__idx ON staging.scim_user (connection_id, created_at, id)`,
    );
    await q.query(
      `CREATE INDEX scim_user__connection_id_updated_at__idx ON staging.scim_user (connection_id, updated_at)`,
    );
    await q.query(`
      CREATE TABLE staging.scim_group (
        id            uuid        PRIMARY KEY,
        tenant_id     uuid        NOT NULL,
        connection_id text        NOT NULL,
        display_name  text        NOT NULL,
        external_id   text,
        resource      jsonb       NOT NULL,
        raw_payload   jsonb,
        version       integer     NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        deleted_at    timestamptz
      )`);
    await q.query(
      `CREATE INDEX scim_group__connection_id_display_name__idx ON staging.scim_group (connection_id, lower(display_name))`,
    );
    await q.query(
      `CREATE INDEX scim_group__connection_id_external_id__idx ON staging.scim_group (connection_id, external_id)`,
    );
    await q.query(
      `CREATE INDEX scim_group__connection_id_created_at__idx ON staging.scim_group (connection_id, created_at, id)`,
    );
    await q.query(`
      CREATE TABLE staging.scim_group_member (
        group_id      uuid        NOT NULL REFERENCES staging.scim_group (id) ON DELETE CASCADE,
        member_id     uuid        NOT NULL,
        member_type   text        NOT NULL DEFAULT 'User',
        tenant_id     uuid        NOT NULL,
        connection_id text        NOT NULL,
        display       text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT scim_group_member__pk PRIMARY KEY (group_id, member_id),
        CONSTRAINT scim_group_member__member_type__ck CHECK (member_type IN ('User', 'Group'))
      )`);
    await q.query(`CREATE INDEX scim_group_member__member_id__idx ON staging.scim_group_member (member_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staging.scim_group_member`);
    await q.query(`DROP TABLE staging.scim_group`);
    await q.query(`DROP TABLE staging.scim_user`);
    await q.query(`DROP SCHEMA staging`);
  }
}
