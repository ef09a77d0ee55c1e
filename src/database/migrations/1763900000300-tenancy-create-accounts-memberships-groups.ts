import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tenant model Sync provisions into: accounts (one per email across tenants), memberships,
 * internal groups carrying permissions and site access, sites, and per-connection mapping rules
 * from SCIM groups to internal groups.
 */
export class TenancyCreateAccountsMembershipsGroups1763900000300 implements MigrationInterface {
  name = 'TenancyCreateAccountsMembershipsGroups1763900000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenancy.account (
        id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        email        text        NOT NULL,
        display_name text,
        given_name   text,
        family_name  text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT account__email_lower__ck CHECK (email = lower(email))
      )`);
    await q.query(`CREATE UNIQUE INDEX account__email__uq ON tenancy.account (email)`);
    await q.query(`
      CREATE TABLE tenancy.membership (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id       uuid        NOT NULL REFERENCES tenancy.tenant (id),
        account_id      uuid        NOT NULL REFERENCES tenancy.account (id),
        status          text        NOT NULL DEFAULT 'active',
        source          text        NOT NULL,
        connection_id   text,
        staged_user_id  uuid,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        revoked_at      timestamptz,
        revoked_reason  text,
        CONSTRAINT membership__status__ck CHECK (status IN ('active', 'revoked')),
        CONSTRAINT membership__source__ck CHECK (source IN ('scim', 'manual')),
        CONSTRAINT membership__scim_link__ck CHECK (source = 'manual' OR (connection_id IS NOT NULL AND staged_user_id IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX membership__tenant_id_account_id__uq ON tenancy.membership (tenant_id, account_id)`,
    );
    await q.query(
      `CREATE INDEX membership__connection_id_staged_user_id__idx ON tenancy.membership (connection_id, staged_user_id)`,
    );
    await q.query(`
      CREATE TABLE tenancy.site (
        id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id  uuid        NOT NULL REFERENCES tenancy.tenant (id),
        name       text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX site__tenant_id_name__uq ON tenancy.site (tenant_id, lower(name))`);
    await q.query(`
      CREATE TABLE tenancy.internal_group (
        id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id   uuid        NOT NULL REFERENCES tenancy.tenant (id),
        name        text        NOT NULL,
        permissions text[]      NOT NULL DEFAULT '{}',
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX internal_group__tenant_id_name__uq ON tenancy.internal_group (tenant_id, lower(name))`,
    );
    await q.query(`
      CREATE TABLE tenancy.internal_group_site (
        group_id uuid NOT NULL REFERENCES tenancy.internal_group (id) ON DELETE CASCADE,
        site_id  uuid NOT NULL REFERENCES tenancy.site (id) ON DELETE CASCADE,
        CONSTRAINT internal_group_site__pk PRIMARY KEY (group_id, site_id)
      )`);
    await q.query(`
      CREATE TABLE tenancy.membership_group (
        membership_id uuid NOT NULL REFERENCES tenancy.membership (id) ON DELETE CASCADE,
        group_id      uuid NOT NULL REFERENCES tenancy.internal_group (id) ON DELETE CASCADE,
        source        text NOT NULL DEFAULT 'scim',
        CONSTRAINT membership_group__pk PRIMARY KEY (membership_id, group_id),
        CONSTRAINT membership_group__source__ck CHECK (source IN ('scim', 'manual'))
      )`);
    await q.query(`CREATE INDEX membership_group__group_id__idx ON tenancy.membership_group (group_id)`);
    // A SCIM group (matched by displayName, case-insensitively, or by externalId) → an internal group.
    await q.query(`
      CREATE TABLE tenancy.group_mapping (
        id                      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id               uuid        NOT NULL REFERENCES tenancy.tenant (id),
        connection_id           text        NOT NULL REFERENCES tenancy.scim_connection (id),
        scim_group_display_name text,
        scim_group_external_id  text,
        internal_group_id       uuid        NOT NULL REFERENCES tenancy.internal_group (id) ON DELETE CASCADE,
        created_at              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT group_mapping__match__ck CHECK ((scim_group_display_name IS NULL) <> (scim_group_external_id IS NULL))
      )`);
    await q.query(`CREATE INDEX group_mapping__connection_id__idx ON tenancy.group_mapping (connection_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'group_mapping',
      'membership_group',
      'internal_group_site',
      'internal_group',
      'site',
      'membership',
      'account',
    ]) {
      await q.query(`DROP TABLE tenancy.${t}`);
    }
  }
}
