import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';

/** Admin API of the tenant model Sync provisions into: sites, internal groups, members. */
describe('tenant directory: sites, internal groups, members', () => {
  let t: TestApp;
  let f: TenantFixture;
  const base = () => `/admin/v1/tenants/${f.tenantId}`;

  beforeAll(async () => {
    t = await createTestApp();
    f = await createTenantWithConnection(t.admin);
  });
  afterAll(async () => {
    await t?.close();
  });

  const events = (name: string): Promise<Array<{ payload: any }>> =>
    t.dataSource.query(`SELECT payload FROM test_outbox_log WHERE tenant_id = $1 AND event_name = $2 ORDER BY id`, [
      f.tenantId,
      name,
    ]);

  it('creates, lists, reads, renames and deletes sites', async () => {
    const created = await t.admin.post(`${base()}/sites`, { name: 'Oslo HQ' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Oslo HQ', createdAt: expect.any(String) });
    expect((await t.admin.post(`${base()}/sites`, { name: 'oslo hq' })).status).toBe(409);
    expect((await t.admin.post(`${base()}/sites`, { name: '' })).status).toBe(400);
    expect((await t.admin.get(`${base()}/sites/${created.body.id}`)).body.name).toBe('Oslo HQ');
    const renamed = await t.admin.patch(`${base()}/sites/${created.body.id}`, { name: 'Oslo' });
    expect(renamed.body.name).toBe('Oslo');
    expect((await t.admin.get(`${base()}/sites`)).body.items.map((s: any) => s.name)).toContain('Oslo');
    expect((await t.admin.delete(`${base()}/sites/${created.body.id}`)).status).toBe(204);
    expect((await t.admin.get(`${base()}/sites/${created.body.id}`)).status).toBe(404);
    expect((await events('tenancy.site.created')).length).toBeGreaterThan(0);
    expect((await events('tenancy.site.deleted')).map((e) => e.payload.siteId)).toContain(created.body.id);
  });

  it("creates internal groups with sorted unique permissions and the tenant's sites only", async () => {
    const bergen = (await t.admin.post(`${base()}/sites`, { name: 'Bergen' })).body;
    const res = await t.admin.post(`${base()}/groups`, {
      name: 'Auditors',
      permissions: ['risk:read', 'audit:read', 'risk:read'],
      siteIds: [bergen.id],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Auditors',
      permissions: ['audit:read', 'risk:read'],
      siteIds: [bergen.id],
      sites: [{ id: bergen.id, name: 'Bergen' }],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await t.admin.post(`${base()}/groups`, { name: 'AUDITORS' })).status).toBe(409);
    const other = await createTenantWithConnection(t.admin);
    const foreignSite = (await t.admin.post(`/admin/v1/tenants/${other.tenantId}/sites`, { name: 'Elsewhere' })).body;
    const bad = await t.admin.post(`${base()}/groups`, { name: 'Bad', siteIds: [foreignSite.id] });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ field: 'siteIds', problem: expect.stringContaining(foreignSite.id) }]);
    expect((await t.admin.post(`${base()}/groups`, { name: 'Bad', siteIds: ['nope'] })).status).toBe(400);
    expect((await t.admin.post(`${base()}/groups`, { name: 'Bad', extra: 1 })).status).toBe(400);
  });

  it('patches and deletes internal groups; a deleted group takes its member rows and mapping rules with it', async () => {
    const site = (await t.admin.post(`${base()}/sites`, { name: 'Stavanger' })).body;
    const g = (await t.admin.post(`${base()}/groups`, { name: 'Field', permissions: ['a'] })).body;
    const patched = await t.admin.patch(`${base()}/groups/${g.id}`, { name: 'Field crew', siteIds: [site.id] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Field crew', permissions: ['a'], siteIds: [site.id] });
    const [updated] = (await events('tenancy.internal_group.updated')).filter((e) => e.payload.groupId === g.id);
    expect(updated.payload.changedAttributes).toEqual(['name', 'siteIds']);
    expect((await t.admin.get(`${base()}/groups`)).body.items.map((x: any) => x.name)).toContain('Field crew');
    await t.admin.put(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`, {
      mappings: [{ scimGroup: { displayName: 'Crew' }, internalGroupId: g.id }],
    });
    expect((await t.admin.delete(`${base()}/groups/${g.id}`)).status).toBe(204);
    expect((await t.admin.get(`${base()}/groups/${g.id}`)).status).toBe(404);
    expect((await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`)).body.mappings).toEqual(
      [],
    );
    expect((await t.admin.patch(`${base()}/groups/${g.id}`, { name: 'x' })).status).toBe(404);
  });

  it('adds a manual member, restores a revoked one as manual, and publishes member events', async () => {
    const added = await t.admin.post(`${base()}/members`, { email: ' Kari@Partner.Example ' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      email: 'kari@partner.example',
      status: 'active',
      source: 'manual',
      groups: [],
      permissions: [],
      sites: [],
    });
    expect((await t.admin.get(`${base()}/members/${added.body.accountId}`)).body.email).toBe('kari@partner.example');
    expect((await t.admin.delete(`${base()}/members/${added.body.accountId}`)).status).toBe(204);
    expect((await t.admin.get(`${base()}/members?status=revoked`)).body.items.map((m: any) => m.email)).toContain(
      'kari@partner.example',
    );
    const again = await t.admin.post(`${base()}/members`, { email: 'kari@partner.example' });
    expect(again.body).toMatchObject({ accountId: added.body.accountId, status: 'active', source: 'manual' });
    expect((await events('tenancy.member.added')).map((e) => e.payload.restored)).toEqual([false, true]);
    expect((await events('tenancy.membership.revoked')).map((e) => e.payload.reason)).toEqual(['admin']);
  });

  it('shares one account per email across tenants', async () => {
    const other = await createTenantWithConnection(t.admin);
    const a = await t.admin.post(`${base()}/members`, { email: 'shared@partner.example' });
    const b = await t.admin.post(`/admin/v1/tenants/${other.tenantId}/members`, { email: 'shared@partner.example' });
    expect(b.body.accountId).toBe(a.body.accountId);
  });
});
