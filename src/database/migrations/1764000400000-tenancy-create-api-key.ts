import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Named, scoped API keys of the admin and sessions APIs (hashed like SCIM tokens). */
export class TenancyCreateApiKey1764000400000 implements MigrationInterface {
  name = 'TenancyCreateApiKey1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenancy.api_key (
        id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        name               text        NOT NULL,
        scope              text        NOT NULL,
        tenant_id          uuid        REFERENCES tenancy.tenant (id),
        key_hash           bytea       NOT NULL,
        prefix             text        NOT NULL,
        created_by_key_id  text        NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        last_used_at       timestamptz,
        revoked_at         timestamptz,
        CONSTRAINT api_key__key_hash__uq UNIQUE (key_hash),
        CONSTRAINT api_key__key_hash_len__ck CHECK (octet_length(key_hash) = 32),
        CONSTRAINT api_key__scope__ck CHECK (scope IN ('admin', 'tenant', 'sessions')),
        CONSTRAINT api_key__tenant_by_scope__ck CHECK ((scope = 'admin') = (tenant_id IS NULL))
      )`);
    await q.query(`CREATE INDEX api_key__tenant_id_created_at__idx ON tenancy.api_key (tenant_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tenancy.api_key`);
  }
}
