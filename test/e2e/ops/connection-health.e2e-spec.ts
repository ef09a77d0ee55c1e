import { FlushScimTrafficJob } from '../../../src/modules/tenancy/jobs/flush-scim-traffic.job';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import { ScimClient } from '../../utils/scim-client';
import { runSync } from '../sync/sync-helpers';

/**
 * What an admin checks first when Entra reports a problem: the connection's last request, its
 * requests and 4xx/5xx in the last 24 h, its last sync run. And a deleted connection's history and
 * staged data stay readable while its SCIM endpoint is gone.
 */
describe('SCIM connection health for admins', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;
  let scim: ScimClient;

  beforeAll(async () => {
    t = await createIsolatedTestApp();
    tenant = await createTenantWithConnection(t.admin);
    other = await createTenantWithConnection(t.admin);
    scim = new ScimClient(t.baseUrl, tenant);
  });
  afterAll(async () => {
    await t?.close();
  });

  const detail = async (id = tenant.connectionId) => {
    const res = await t.admin.get(`/admin/v1/scim-connections/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('starts empty, then counts requests and 4xx/5xx per connection, wrong tokens included, once each across flushes', async () => {
    expect(await detail()).toMatchObject({
      id: tenant.connectionId,
      lastRequestAt: null,
      last24h: { requests: 0, clientErrors: 0, serverErrors: 0 },
      lastSyncRun: null,
    });
    const before = Date.now();
    const created = await scim.post('/Users', entraUser({ userName: `health@${tenant.domain}` }));
    expect(created.status).toBe(201);
    expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(200);
    expect((await scim.get('/Users')).status).toBe(200);
    expect((await scim.get(`/Users/${'0'.repeat(8)}-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await scim.http.withToken('rst_' + 'x'.repeat(43)).get(`${scim.prefix}/Users`)).status).toBe(401);
    // Another connection's traffic is its own; a connection id that does not exist is counted nowhere.
    expect((await new ScimClient(t.baseUrl, other).get('/Users')).status).toBe(200);
    await t.http.withToken('rst_' + 'y'.repeat(43)).get('/scim/v2/scim_conn_doesnotexist/Users');

    const expected = { requests: 5, clientErrors: 2, serverErrors: 0 };
    const seen = await detail();
    expect(seen.last24h).toEqual(expected);
    expect(Date.parse(seen.lastRequestAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await detail(other.connectionId)).last24h).toEqual({ requests: 1, clientErrors: 0, serverErrors: 0 });

    // Flushed into the hourly table: the same figures, not twice.
    await t.app.get(FlushScimTrafficJob).flush();
    expect((await detail()).last24h).toEqual(expected);
    expect((await detail()).lastRequestAt).toBe(seen.lastRequestAt);
    const rows: Array<{ connection_id: string }> = await t.dataSource.query(
      `SELECT connection_id FROM tenancy.scim_connection_traffic`,
    );
    expect(rows.map((r) => r.connection_id).sort()).toEqual([tenant.connectionId, other.connectionId].sort());
    expect((await scim.get('/Users')).status).toBe(200);
    expect((await detail()).last24h).toEqual({ ...expected, requests: 6 });
  });

  it('shows the last sync run and its status', async () => {
    const run = await runSync(t, tenant.connectionId);
    expect(run.status).toBe('completed');
    await expectEventually(
      async () => {
        await t.drainOutbox();
        expect((await detail()).lastSyncRun).toMatchObject({ id: run.id, status: 'completed' });
      },
      10_000,
      100,
    );
  });

  it("keeps a deleted connection's sync history and staged data readable, while its SCIM endpoint is gone", async () => {
    const runs = (await t.admin.get(`/admin/v1/scim-connections/${tenant.connectionId}/sync-runs`)).body.items;
    expect(runs.length).toBe(1);
    expect((await t.admin.delete(`/admin/v1/scim-connections/${tenant.connectionId}`)).status).toBe(204);

    const history = await t.admin.get(`/admin/v1/scim-connections/${tenant.connectionId}/sync-runs`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((r: { id: string }) => r.id)).toEqual(runs.map((r: { id: string }) => r.id));
    expect((await t.admin.get(`/admin/v1/sync-runs/${runs[0].id}`)).status).toBe(200);
    const staged = await t.admin.get(`/admin/v1/scim-connections/${tenant.connectionId}/scim-users`);
    expect(staged.status).toBe(200);
    expect(staged.body.items.map((u: { userName: string }) => u.userName)).toEqual([`health@${tenant.domain}`]);

    expect((await t.admin.get(`/admin/v1/scim-connections/${tenant.connectionId}`)).status).toBe(404);
    const gone = await scim.get('/Users');
    expect([401, 404]).toContain(gone.status);
    // A connection that never existed is still 404 for its history.
    expect((await t.admin.get('/admin/v1/scim-connections/scim_conn_doesnotexist/sync-runs')).status).toBe(404);
  });
});
