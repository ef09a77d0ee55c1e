import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });
  it('records', async () => {
    const f = await createTenantWithConnection(t.admin, { name: '=cmd' });
    await t.drainOutbox();
    const res = await t.admin.get(`/admin/v1/audit-events?tenantId=${f.tenantId}`);
    console.log(JSON.stringify(res.body, null, 1));
    const csv = await t.admin.get(`/admin/v1/audit-events/export?tenantId=${f.tenantId}`);
    console.log(csv.status, [...csv.headers.entries()], csv.text);
    const nd = await t.admin.get(`/admin/v1/audit-events/export?tenantId=${f.tenantId}&format=ndjson`);
    console.log(nd.status, nd.headers.get('content-type'), nd.text);
    const v = await t.admin.get(`/admin/v1/audit-events/verify`);
    console.log(v.body);
  });
});
