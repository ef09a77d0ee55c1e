import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { pgPool } from '../../../src/shared/database/sql';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import { ScimClient } from '../../utils/scim-client';
import { TcpProxy } from '../../utils/tcp-proxy';
import { RevocationListener } from '../../../src/modules/tenancy/infrastructure/revocation-listener';

/**
 * The database goes silent — a partition: the TCP connections stay open, nothing is forwarded,
 * nothing closed (no RST, no FIN), so no driver error ever comes. Every statement has a client-side
 * bound (DATABASE_STATEMENT_TIMEOUT_MS, 1.5 s here): the request is answered 503 + Retry-After
 * within it, and the stalled connection is discarded rather than lent out again.
 */
describe('a silent database', () => {
  const BOUND_MS = 1500;
  let proxy: TcpProxy;
  let t: TestApp;
  let tenant: TenantFixture;
  let scim: ScimClient;
  let userId: string;

  beforeAll(async () => {
    const db = new URL(process.env.ROSTER_TEST_DATABASE_URL!);
    proxy = await TcpProxy.start({ host: db.hostname, port: Number(db.port || 5432) });
    t = await createTestApp({
      DATABASE_URL: proxy.urlFor(db.toString()),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: String(BOUND_MS),
      OUTBOX_RELAY_ENABLED: 'false',
    });
    tenant = await createTenantWithConnection(t.admin);
    scim = new ScimClient(t.baseUrl, tenant);
    const created = await scim.post('/Users', entraUser({ userName: `silent@${tenant.domain}` }));
    expect(created.status).toBe(201);
    userId = created.body.id;
    // Several pooled connections, all open through the proxy when it goes silent.
    await Promise.all(Array.from({ length: 6 }, () => scim.get(`/Users/${userId}`)));
  });

  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.close();
  });

  it('answers requests on stalled connections 503 + Retry-After within the bound, discards those connections, and recovers', async () => {
    const pool = pgPool(t.dataSource);
    const openBefore = pool.totalCount;
    expect(openBefore).toBeGreaterThanOrEqual(2);
    await proxy.freeze();

    const started = Date.now();
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => scim.get(`/Users/${userId}`)),
      t.admin.get(`/admin/v1/tenants/${tenant.tenantId}`),
      t.http.get('/health/ready'),
    ]);
    const took = Date.now() - started;
    const scimAnswers = answers.slice(0, 4);
    for (const res of scimAnswers) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
    }
    expect(answers[4].status).toBe(503);
    expect(answers[4].headers.get('retry-after')).toBe('5');
    expect(answers[5].status).toBe(503);
    // Bounded: the statement bound (1.5 s), plus at most a connect timeout (1 s) for a request that
    // needed a new connection, plus slack for a loaded machine — far from the minutes of a TCP timeout.
    expect(took).toBeGreaterThanOrEqual(BOUND_MS - 100);
    expect(took).toBeLessThan(8_000);
    // The process itself still answers at once.
    const liveStarted = Date.now();
    expect((await t.http.get('/health/live')).status).toBe(200);
    expect(Date.now() - liveStarted).toBeLessThan(1000);
    // The stalled connections were dropped from the pool, not kept for the next request.
    expect(pool.totalCount).toBeLessThanOrEqual(openBefore - 4);

    await proxy.restore();
    await expectEventually(async () => expect((await scim.get(`/Users/${userId}`)).status).toBe(200), 15_000, 100);
    expect((await t.http.get('/health/ready')).status).toBe(200);
    console.log(`silent database: 6 requests answered 503 in ${took} ms (bound ${BOUND_MS} ms)`);
  }, 60_000);

  it('notices a silent database on the idle LISTEN connection, turns the credential caches off and replaces the connection', async () => {
    const listener = t.app.get(RevocationListener);
    const current = () => (listener as unknown as { listener: unknown }).listener;
    await expectEventually(() => expect(listener.listening).toBe(true), 15_000, 100);
    const before = current();
    await proxy.freeze();
    const frozenAt = Date.now();
    // Nothing fails on an idle connection by itself: only the periodic bounded check can notice.
    await expectEventually(() => expect(listener.listening).toBe(false), 15_000, 50);
    const noticedIn = Date.now() - frozenAt;
    // Check interval (5 s) + its bound (here the statement bound, 1.5 s), plus slack for a loaded machine.
    expect(noticedIn).toBeLessThan(10_000);
    await proxy.restore();
    await expectEventually(() => expect(listener.listening).toBe(true), 20_000, 100);
    expect(current()).not.toBe(before);
    console.log(`silent database: the LISTEN connection was given up after ${noticedIn} ms`);
  }, 60_000);
});
