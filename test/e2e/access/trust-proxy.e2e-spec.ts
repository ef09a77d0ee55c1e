import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';

/** The source IP the trail records for a tenant created with a forged X-Forwarded-For. */
async function recordedSourceIp(t: TestApp): Promise<string | null> {
  const created = await t.admin.post('/admin/v1/tenants', { name: 'Proxy' }, { 'x-forwarded-for': '203.0.113.7' });
  expect(created.status).toBe(201);
  let sourceIp: string | null | undefined;
  await expectEventually(async () => {
    await t.drainOutbox();
    const trail = await t.admin.get(`/admin/v1/audit-events?tenantId=${created.body.id}&action=tenant.created`);
    expect(trail.body.items).toHaveLength(1);
    sourceIp = trail.body.items[0].sourceIp;
  }, 15_000);
  return sourceIp ?? null;
}

describe('TRUST_PROXY: whose X-Forwarded-For is believed for the recorded source IP', () => {
  let direct: TestApp;
  let behindProxy: TestApp;
  let hops: TestApp;
  beforeAll(async () => {
    [direct, behindProxy, hops] = await Promise.all([
      createTestApp(),
      createTestApp({ TRUST_PROXY: '127.0.0.1/32, ::1' }),
      createTestApp({ TRUST_PROXY: '1' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([direct?.close(), behindProxy?.close(), hops?.close()]);
  });

  it('unset: a forged X-Forwarded-For is not recorded, the peer address is', async () => {
    expect(await recordedSourceIp(direct)).toBe('127.0.0.1');
  });

  it('set to the proxy’s address, or a hop count: the forwarded client address is recorded', async () => {
    expect(await recordedSourceIp(behindProxy)).toBe('203.0.113.7');
    expect(await recordedSourceIp(hops)).toBe('203.0.113.7');
  });
});
