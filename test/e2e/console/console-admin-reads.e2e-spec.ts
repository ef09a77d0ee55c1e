import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { runSync, scimGroup, scimUser, syncFixture, type SyncFixture } from '../sync/sync-helpers';

/** The admin reads the console's pages need: staged-user filters and record, group members, the schedule. */
describe('console admin reads (staged users, staged record, group members, sync schedule)', () => {
  let t: TestApp;
  let f: SyncFixture;
  const users: Record<string, any> = {};
  const base = () => `/admin/v1/scim-connections/${f.connectionId}/scim-users`;
  const names = (res: { body: { items: Array<{ userName: string }> } }) => res.body.items.map((u) => u.userName).sort();

  beforeAll(async () => {
    t = await createTestApp();
    f = await syncFixture(t);
    users.active = await scimUser(f);
    users.inactive = await scimUser(f, { active: false });
    users.deleted = await scimUser(f);
    users.outsider = await scimUser(f, {}, 'elsewhere.example');
    expect((await f.scim.delete(`/Users/${users.deleted.id}`)).status).toBe(204);
    await runSync(t, f.connectionId);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('filters by userName or email exactly (any case), status and sync skip reason', async () => {
    expect(names(await t.admin.get(`${base()}?q=${encodeURIComponent(users.active.userName.toUpperCase())}`))).toEqual([
      users.active.userName,
    ]);
    const byEmail = await t.admin.get(`${base()}?q=${encodeURIComponent(users.outsider.emails[0].value)}`);
    expect(names(byEmail)).toEqual([users.outsider.userName]);
    expect(names(await t.admin.get(`${base()}?q=${encodeURIComponent(users.deleted.userName)}`))).toEqual([
      users.deleted.userName,
    ]);
    expect(names(await t.admin.get(`${base()}?q=nobody@example.com`))).toEqual([]);
    expect(names(await t.admin.get(`${base()}?status=inactive`))).toEqual([users.inactive.userName]);
    expect(names(await t.admin.get(`${base()}?status=deleted`))).toEqual([users.deleted.userName]);
    expect(names(await t.admin.get(`${base()}?status=active`))).toEqual(
      [users.active.userName, users.outsider.userName].sort(),
    );
    const skipped = await t.admin.get(`${base()}?skipReason=domain_not_allowed`);
    expect(names(skipped)).toEqual([users.outsider.userName]);
    expect(skipped.body.items[0].syncSkipReason).toBe('domain_not_allowed');
    expect((await t.admin.get(`${base()}?status=sleeping`)).status).toBe(400);
  });

  it('pages by keyset without losing or repeating rows created within the same millisecond', async () => {
    // Four rows 1 µs apart: a millisecond cursor would skip or repeat some of them.
    await t.dataSource.query(
      `UPDATE staging.scim_user u SET created_at = '2026-01-01T00:00:00.000001Z'::timestamptz + (s.n * interval '1 microsecond')
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM staging.scim_user WHERE connection_id = $1) s
        WHERE u.id = s.id`,
      [f.connectionId],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: { status: number; body: any } = await t.admin.get(
        `${base()}?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((u: any) => u.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual(
      Object.values(users)
        .map((u) => u.id)
        .sort(),
    );
  });

  it('opens the staged record: the stored resource with its extension, the raw payload, the last sync outcome', async () => {
    const res = await t.admin.get(`${base()}/${users.outsider.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: users.outsider.id,
      userName: users.outsider.userName,
      syncSkipReason: 'domain_not_allowed',
      resource: { userName: users.outsider.userName },
    });
    expect(JSON.stringify(res.body.raw)).toContain('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect((await t.admin.get(`${base()}/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await t.admin.get(`${base()}/not-a-uuid`)).status).toBe(404);
  });

  it("lists a staged group's members", async () => {
    const g = await scimGroup(f, {}, [users.active.id, users.outsider.id]);
    const res = await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/scim-groups/${g.id}/members`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((m: any) => m.value).sort()).toEqual([users.active.id, users.outsider.id].sort());
    expect(res.body.items[0]).toEqual(expect.objectContaining({ type: 'User' }));
    expect(
      (await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/scim-groups/${users.active.id}/members`)).status,
    ).toBe(404);
  });

  it('describes the sync schedule (off in this process: CRON_ENABLED=false)', async () => {
    const res = await t.admin.get('/admin/v1/sync-schedule');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      enabled: false,
      cron: t.env.SYNC_CRON,
      deprovisionCron: t.env.SYNC_DEPROVISION_CRON,
      timeZone: 'UTC',
      nextRunAt: null,
      nextDeprovisionRunAt: null,
    });
  });
});
