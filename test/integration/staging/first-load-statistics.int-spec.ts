import { StagedUserRepository } from '../../../src/modules/staging/infrastructure/staged-user.repository';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import { ScimClient } from '../../utils/scim-client';

/**
 * A fresh install: the migrations leave the staging tables with empty statistics, and until they
 * are analysed PostgreSQL plans `GET /Users/{id}` as a walk of the connection's rows. The first
 * bulk of creates gets the table analysed at once, not at autovacuum's next round.
 */
describe('statistics of a freshly loaded staging table (integration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createIsolatedTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const idLookupPlan = async (f: { tenantId: string; connectionId: string }) => {
    const rows: Array<{ 'QUERY PLAN': string }> = await t.dataSource.query(
      `EXPLAIN SELECT id FROM staging.scim_user u
        WHERE u.id = '00000000-0000-4000-8000-000000000000' AND u.tenant_id = '${f.tenantId}'
          AND u.connection_id = '${f.connectionId}' AND u.deleted_at IS NULL`,
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  };

  it('analyses the user table after its first 500 creates, so an id lookup is a primary-key lookup again', async () => {
    const f = await createTenantWithConnection(t.admin);
    const scim = new ScimClient(t.baseUrl, f);
    // As the migrations leave it: the statistics of an empty table.
    expect(
      Number(
        (await t.dataSource.query(`SELECT reltuples FROM pg_class WHERE oid = 'staging.scim_user'::regclass`))[0]
          .reltuples,
      ),
    ).toBeLessThanOrEqual(0);
    const fewRows = async () => {
      await Promise.all(Array.from({ length: 50 }, () => scim.post('/Users', entraUser({}, f.domain))));
      return idLookupPlan(f);
    };
    // With them, the planner walks the connection's rows for an id (the bug this guards against).
    expect(await fewRows()).not.toContain('scim_user_pkey');
    for (let wave = 1; wave < 11; wave++) {
      const res = await Promise.all(Array.from({ length: 50 }, () => scim.post('/Users', entraUser({}, f.domain))));
      expect(res.every((r) => r.status === 201)).toBe(true);
    }
    await t.app.get(StagedUserRepository).statistics.idle();
    const [{ reltuples }] = await t.dataSource.query(
      `SELECT reltuples FROM pg_class WHERE oid = 'staging.scim_user'::regclass`,
    );
    expect(Number(reltuples)).toBeGreaterThanOrEqual(500);
    expect(await idLookupPlan(f)).toContain('scim_user_pkey');
    // Roster's own ANALYZE, not autovacuum's (whose next round could be a minute away).
    await expectEventually(
      async () => {
        const [s] = await t.dataSource.query(
          `SELECT analyze_count::int AS manual FROM pg_stat_user_tables WHERE relid = 'staging.scim_user'::regclass`,
        );
        expect(s.manual).toBeGreaterThanOrEqual(1);
      },
      5000,
      100,
    );
  }, 60_000);
});
