import { join } from 'node:path';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { spawnCrashChild, type CrashChild } from '../../utils/crash-child';
import { expectEventually } from '../../utils/expect-eventually';
import { createIsolatedDatabase } from '../../utils/isolated-database';

jest.setTimeout(240_000);

const USERS = 30_000;
const GROUPS = 20;

/**
 * A run killed midway (SIGKILL of its process, between batches or inside one) leaves whole users
 * only; the next boot marks the run failed; the next run finishes the work.
 */
describe('sync run interrupted by a crash', () => {
  let db: { url: string; dispose(): Promise<void> };
  let t: TestApp | undefined;
  let f: TenantFixture;
  let child: CrashChild | undefined;

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    const setup = await createTestApp({ DATABASE_URL: db.url });
    try {
      f = await createTenantWithConnection(setup.admin, { domain: 'crash.example' });
      const groupIds: string[] = [];
      for (let i = 0; i < 5; i++) {
        const g = await setup.admin.post(`/admin/v1/tenants/${f.tenantId}/groups`, {
          name: `Internal ${i}`,
          permissions: [`p${i}`],
        });
        groupIds.push(g.body.id);
      }
      const mappings = Array.from({ length: GROUPS }, (_, i) => ({
        scimGroup: { displayName: `SCIM ${i}` },
        internalGroupId: groupIds[i % 5],
      }));
      expect(
        (await setup.admin.put(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`, { mappings })).status,
      ).toBe(200);
      const q = (sql: string, params: unknown[]) => setup.dataSource.query(sql, params);
      await q(
        `INSERT INTO staging.scim_group (id, tenant_id, connection_id, display_name, resource)
         SELECT gen_random_uuid(), $1, $2, 'SCIM ' || i, '{}'::jsonb FROM generate_series(0, $3::int - 1) AS i`,
        [f.tenantId, f.connectionId, GROUPS],
      );
      await q(
        `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, active, primary_email, display_name, created_at, resource)
         SELECT gen_random_uuid(), $1, $2, 'u' || i || '@crash.example', true, 'u' || i || '@crash.example', 'User ' || i,
                now() - make_interval(secs => $3::int - i), jsonb_build_object('name', jsonb_build_object('givenName', 'User', 'familyName', i::text))
           FROM generate_series(1, $3::int) AS i`,
        [f.tenantId, f.connectionId, USERS],
      );
      // Each user in 2 of the 20 groups.
      await q(
        `INSERT INTO staging.scim_group_member (group_id, member_id, member_type, tenant_id, connection_id)
         SELECT g.id, u.id, 'User', $1, $2
           FROM (SELECT id, row_number() OVER (ORDER BY created_at) AS n FROM staging.scim_user WHERE connection_id = $2) u
           JOIN (SELECT id, (regexp_replace(display_name, '\\D', '', 'g'))::int AS k FROM staging.scim_group WHERE connection_id = $2) g
             ON g.k IN (u.n % $3, (u.n + 7) % $3)`,
        [f.tenantId, f.connectionId, GROUPS],
      );
      await q(`ANALYZE staging.scim_user`, []);
    } finally {
      await setup.close();
    }
  });

  afterAll(async () => {
    await child?.kill();
    await t?.close();
    await db?.dispose();
  });

  /** Memberships whose SCIM group rows differ from what the staged groups map to; accounts without a membership. */
  const inconsistencies = async (app: TestApp) => {
    const [r] = await app.dataSource.query(
      `WITH expected AS (
         SELECT u.id AS staged_user_id, COALESCE(array_agg(DISTINCT gm.internal_group_id ORDER BY gm.internal_group_id) FILTER (WHERE gm.internal_group_id IS NOT NULL), '{}') AS groups
           FROM staging.scim_user u
           LEFT JOIN staging.scim_group_member sm ON sm.member_id = u.id
           LEFT JOIN staging.scim_group sg ON sg.id = sm.group_id
           LEFT JOIN tenancy.group_mapping gm ON gm.connection_id = u.connection_id AND lower(gm.scim_group_display_name) = lower(sg.display_name)
          WHERE u.connection_id = $1 GROUP BY u.id),
       actual AS (
         SELECT m.staged_user_id, COALESCE(array_agg(mg.group_id ORDER BY mg.group_id) FILTER (WHERE mg.group_id IS NOT NULL), '{}') AS groups
           FROM tenancy.membership m LEFT JOIN tenancy.membership_group mg ON mg.membership_id = m.id
          WHERE m.connection_id = $1 GROUP BY m.staged_user_id)
       SELECT (SELECT count(*) FROM actual a JOIN expected e USING (staged_user_id) WHERE a.groups <> e.groups)::int AS wrong_groups,
              (SELECT count(*) FROM actual)::int AS memberships,
              (SELECT count(*) FROM tenancy.account a WHERE a.email LIKE '%@crash.example'
                  AND NOT EXISTS (SELECT 1 FROM tenancy.membership m WHERE m.account_id = a.id))::int AS orphan_accounts,
              (SELECT count(*) FROM test_outbox_log WHERE event_name = 'tenancy.member.provisioned' AND payload->>'connectionId' = $1)::int AS provisioned_events`,
      [f.connectionId],
    );
    return r as { wrong_groups: number; memberships: number; orphan_accounts: number; provisioned_events: number };
  };

  it('leaves no half-provisioned user, is marked failed on restart, and the next run completes the work', async () => {
    child = spawnCrashChild(join(__dirname, 'sync-crash-child.ts'), {
      CHILD_DATABASE_URL: db.url,
      CONNECTION_ID: f.connectionId,
    });
    const [, runId] = await child.waitFor(/RUN ([0-9a-f-]{36})/);

    // Kill it once some batches committed — well before the 30,000 users are done.
    const { Client } = await import('pg');
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      await expectEventually(
        async () => {
          const { rows } = await pg.query(`SELECT provisioned, status FROM sync.sync_run WHERE id = $1`, [runId]);
          expect(rows[0].status).toBe('in_progress');
          expect(rows[0].provisioned).toBeGreaterThanOrEqual(1000);
        },
        120_000,
        20,
      );
      await child.kill();
      const { rows } = await pg.query(`SELECT status, provisioned FROM sync.sync_run WHERE id = $1`, [runId]);
      expect(rows[0].status).toBe('in_progress'); // nobody was left to say otherwise
      expect(rows[0].provisioned).toBeLessThan(USERS);
    } finally {
      await pg.end();
    }

    // Restart: the boot reclaims the dead run.
    t = await createTestApp({ DATABASE_URL: db.url });
    const failed = (await t.admin.get(`/admin/v1/sync-runs/${runId}`)).body;
    expect(failed).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/reclaimed/),
      finishedAt: expect.any(String),
    });
    expect(failed.steps.find((s: any) => s.name === 'reconcile-users').status).toBe('failed');
    expect(
      await t.dataSource.query(
        `SELECT 1 FROM test_outbox_log WHERE event_name = 'sync.run.failed' AND payload->>'syncRunId' = $1`,
        [runId],
      ),
    ).toHaveLength(1);

    // Whole users only: every membership has exactly its mapped groups, no account without membership,
    // and one provisioned event per membership (they committed together).
    const partial = await inconsistencies(t);
    expect(partial.wrong_groups).toBe(0);
    expect(partial.orphan_accounts).toBe(0);
    expect(partial.memberships).toBeGreaterThanOrEqual(1000);
    expect(partial.memberships).toBeLessThan(USERS);
    expect(partial.provisioned_events).toBe(partial.memberships);

    // The next run completes the work (full: no run has completed yet).
    const started = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`);
    expect(started.status).toBe(202);
    let done: any;
    await expectEventually(
      async () => {
        done = (await t!.admin.get(`/admin/v1/sync-runs/${started.body.id}`)).body;
        expect(done.status).toBe('completed');
      },
      180_000,
      200,
    );
    expect(done.mode).toBe('full');
    expect(done.counts.provisioned).toBe(USERS - partial.memberships);
    expect(done.counts.unchanged).toBe(partial.memberships);
    const complete = await inconsistencies(t);
    expect(complete).toEqual({ wrong_groups: 0, memberships: USERS, orphan_accounts: 0, provisioned_events: USERS });
  });
});
