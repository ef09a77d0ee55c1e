import { entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { ScimClient } from '../../utils/scim-client';

/**
 * The admin listings of staged users and groups page by (createdAt, id). PostgreSQL keeps
 * microseconds; a cursor rounded to milliseconds repeated the rows of that millisecond on the next page.
 */
describe('admin listing of staged users and groups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function pageAll(path: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const res: { status: number; body: any } = await t.admin.get(
        `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      ids.push(...res.body.items.map((r: { id: string }) => r.id));
      cursor = res.body.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('paging did not end');
  }

  /** `n` staged rows of `table` whose created_at are n distinct microseconds of one millisecond. */
  async function sameMillisecond(f: TenantFixture, table: 'scim_user' | 'scim_group', n: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await t.dataSource.query(
      table === 'scim_user'
        ? `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, active, resource, created_at)
           SELECT gen_random_uuid(), $1, $2, 'same' || i || '@ms.example', true, '{}'::jsonb,
                  '2026-01-02T03:04:05.006Z'::timestamptz + make_interval(secs => i / 1000000.0)
             FROM generate_series(0, $3::int - 1) AS i RETURNING id`
        : `INSERT INTO staging.scim_group (id, tenant_id, connection_id, display_name, resource, created_at)
           SELECT gen_random_uuid(), $1, $2, 'Same ' || i, '{}'::jsonb,
                  '2026-01-02T03:04:05.006Z'::timestamptz + make_interval(secs => i / 1000000.0)
             FROM generate_series(0, $3::int - 1) AS i RETURNING id`,
      [f.tenantId, f.connectionId, n],
    );
    return rows.map((r) => r.id);
  }

  it.each(['scim_user', 'scim_group'] as const)(
    '%s: rows created in the same millisecond are listed once each across pages',
    async (table) => {
      const f = await createTenantWithConnection(t.admin);
      const ids = await sameMillisecond(f, table, 250);
      const path = `/admin/v1/scim-connections/${f.connectionId}/${table === 'scim_user' ? 'scim-users' : 'scim-groups'}`;
      for (const limit of [100, 7, 1]) {
        const listed = await pageAll(path, limit);
        expect(listed).toHaveLength(250);
        expect(new Set(listed).size).toBe(250);
        expect([...listed].sort()).toEqual([...ids].sort());
      }
    },
  );

  it('250 users created concurrently over SCIM are paged with limit=100 as 250 distinct rows', async () => {
    const f = await createTenantWithConnection(t.admin);
    const scim = new ScimClient(t.baseUrl, f);
    const created = await Promise.all(
      Array.from({ length: 250 }, () => scim.post('/Users', entraUser({}, f.domain)).then((r) => r.body.id as string)),
    );
    const listed = await pageAll(`/admin/v1/scim-connections/${f.connectionId}/scim-users`, 100);
    expect(listed).toHaveLength(250);
    expect([...listed].sort()).toEqual([...created].sort());
  });

  it('still accepts a cursor with millisecond precision and refuses a malformed one', async () => {
    const f = await createTenantWithConnection(t.admin);
    await sameMillisecond(f, 'scim_user', 3);
    const path = `/admin/v1/scim-connections/${f.connectionId}/scim-users`;
    const old = Buffer.from(
      JSON.stringify(['2026-01-02T03:04:05.006Z', '00000000-0000-4000-8000-000000000000']),
    ).toString('base64url');
    const res = await t.admin.get(`${path}?cursor=${old}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3); // every row is after .006000 or, at .006000, after the zero id
    expect((await t.admin.get(`${path}?cursor=nonsense`)).status).toBe(400);
  });
});
