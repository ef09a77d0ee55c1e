import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import type { HttpResult } from '../../utils/http-client';
import { patchOp, SCIM_CONTENT_TYPE, ScimClient } from '../../utils/scim-client';
import { TcpProxy } from '../../utils/tcp-proxy';

/**
 * The database goes away under a running Roster (its connections run through a TCP proxy the test
 * controls). Every request that needs it is answered 503 with Retry-After — SCIM in the RFC 7644
 * §3.12 envelope, authentication included (an IdP must not read an outage as revoked credentials:
 * Entra quarantines a job on repeated 401s) — nothing is half-written, and service resumes on its
 * own when the database is back.
 */
describe('database outage', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let tenant: TenantFixture;
  let scim: ScimClient;
  let userId: string;

  const expect503Scim = (res: HttpResult, what: string) => {
    expect({ what, status: res.status }).toEqual({ what, status: 503 });
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toContain(SCIM_CONTENT_TYPE);
    expect(res.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '503',
      detail: expect.stringContaining('unavailable'),
    });
    expect(res.text).not.toMatch(/ECONNREFUSED|Connection terminated|at \w+ \(/);
  };

  beforeAll(async () => {
    const db = new URL(process.env.ROSTER_TEST_DATABASE_URL!);
    proxy = await TcpProxy.start({ host: db.hostname, port: Number(db.port || 5432) });
    t = await createTestApp({ DATABASE_URL: proxy.urlFor(db.toString()), DATABASE_CONNECT_TIMEOUT_MS: '1000' });
    tenant = await createTenantWithConnection(t.admin);
    scim = new ScimClient(t.baseUrl, tenant);
    const created = await scim.post('/Users', entraUser({ userName: `before@${tenant.domain}` }));
    expect(created.status).toBe(201);
    userId = created.body.id;
  });

  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.close();
  });

  it('server down: SCIM reads, writes and authentication answer 503 + Retry-After; admin API and health too', async () => {
    await proxy.cut();

    expect503Scim(await scim.get(`/Users/${userId}`), 'GET by id');
    expect503Scim(
      await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "before@${tenant.domain}"`)}`),
      'GET filter',
    );
    expect503Scim(await scim.post('/Users', entraUser({ userName: `during@${tenant.domain}` })), 'POST');
    expect503Scim(
      await scim.patch(`/Users/${userId}`, patchOp({ op: 'replace', path: 'active', value: false })),
      'PATCH',
    );
    expect503Scim(await scim.delete(`/Users/${userId}`), 'DELETE');
    // A token that cannot be checked is not a wrong token: 503, not 401.
    expect503Scim(await scim.http.withToken('x'.repeat(43)).get(`${scim.prefix}/Users`), 'unverifiable token');
    // No token at all needs no database: still the 401 it always was.
    const anonymous = await scim.http.withToken(undefined).get(`${scim.prefix}/Users`);
    expect(anonymous.status).toBe(401);

    const adminRes = await t.admin.get(`/admin/v1/tenants/${tenant.tenantId}`);
    expect(adminRes.status).toBe(503);
    expect(adminRes.headers.get('retry-after')).toBe('5');
    expect(adminRes.body).toMatchObject({ error: 'service_unavailable' });
    // The host product asking whether a session is valid gets "can't tell" (503), never a guess.
    const introspection = await t.admin.post('/v1/sessions/introspect', { token: `rss_${'a'.repeat(43)}` });
    expect(introspection.status).toBe(503);
    expect(introspection.body).toMatchObject({ error: 'service_unavailable' });
    expect((await t.http.get('/health')).status).toBe(503);
  });

  it('back up: service resumes by itself, and what was refused during the outage was not written', async () => {
    await proxy.restore();
    await expectEventually(async () => expect((await scim.get(`/Users/${userId}`)).status).toBe(200), 10_000, 100);
    const user = await scim.get(`/Users/${userId}`);
    expect(user.body.active).toBe(true); // the refused PATCH did not land
    const filter = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "during@${tenant.domain}"`)}`);
    expect(filter.body.totalResults).toBe(0); // the refused POST did not land
    const again = await scim.post('/Users', entraUser({ userName: `during@${tenant.domain}` }));
    expect(again.status).toBe(201);
  });

  it('host gone silent (connections hang): answered 503 within DATABASE_CONNECT_TIMEOUT_MS, not held open', async () => {
    await proxy.blackhole();
    // The pool notices its connections went with the host and drops them; a request then needs a new
    // one, which connects to nothing that answers — until DATABASE_CONNECT_TIMEOUT_MS (1 s here).
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const res = await scim.get(`/Users/${userId}`);
    const took = Date.now() - started;
    expect503Scim(res, 'GET while the host is silent');
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(8_000);
    await proxy.restore();
    await expectEventually(async () => expect((await scim.get(`/Users/${userId}`)).status).toBe(200), 10_000, 100);
  });
});
