import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, SCIM connections and their hashed bearer tokens. */
export class TenancyCreateTenantConnectionToken1763900000100 implements MigrationInterface {
  name = 'TenancyCreateTenantConnectionToken1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS tenancy`);
    await q.query(`
      CREATE TABLE tenancy.tenant (
        id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text        NOT NULL,
        sso_domains text[]      NOT NULL DEFAULT '{}',
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tenancy.scim_connection (
        id         text        PRIMARY KEY,
        tenant_id  uuid        NOT NULL REFERENCES tenancy.tenant (id),
        name       text,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX scim_connection__tenant_id__idx ON tenancy.scim_connection (tenant_id, created_at)`);
    await q.query(`
      CREATE TABLE tenancy.scim_token (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id     uuid        NOT NULL,
        connection_id text        NOT NULL REFERENCES tenancy.scim_connection (id),
        name          text        NOT NULL,
        token_hash    bytea       NOT NULL,
        prefix        text        NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_used_at  timestamptz,
        revoked_at    timestamptz,
        replaced_by   uuid,
        CONSTRAINT scim_token__token_hash__uq UNIQUE (token_hash),
        CONSTRAINT scim_token__token_hash_len__ck CHECK (octet_length(token_hash) = 32)
      )`);
    await q.query(
      `CREATE INDEX scim_token__connection_active__idx ON tenancy.scim_token (connection_id) WHERE revoked_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tenancy.scim_token`);
    await q.query(`DROP TABLE tenancy.scim_connection`);
    await q.query(`DROP TABLE tenancy.tenant`);
    await q.query(`DROP SCHEMA tenancy`);
  }
}
