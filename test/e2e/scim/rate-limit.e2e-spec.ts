import { entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import type { HttpResult } from '../../utils/http-client';
import { ScimClient } from '../../utils/scim-client';
import { assertScimContract } from '../../utils/scim-envelope';

/**
 * Per-connection SCIM rate limit (house style §4.7; idp-dialects #33/#34): keyed by the
 * authenticated connection — not the IP an IdP shares between tenants, not the route — applied after
 * authentication, answered with 429 + an honest Retry-After in the SCIM envelope. /health and the
 * admin API are never limited.
 *
 * With SCIM_RATE_LIMIT_PER_SECOND=r and SCIM_RATE_LIMIT_BURST=b a connection gets r+b requests in
 * any one second and 10·r in any ten seconds (app.module.ts).
 */

const TEST_TIMEOUT_MS = 60_000;

function count(results: HttpResult[], status: number): number {
  return results.filter((r) => r.status === status).length;
}

/** Every 429 is the SCIM envelope with a Retry-After of whole seconds ≥ 1 (RFC 7231 §7.1.3 delay-seconds). */
function expectWellFormed429s(results: HttpResult[]): number[] {
  const delays: number[] = [];
  for (const r of results.filter((x) => x.status === 429)) {
    const retryAfter = r.headers.get('retry-after') ?? '';
    const extra = /^[1-9]\d*$/.test(retryAfter) ? [] : [`Retry-After "${retryAfter}" is not an integer ≥ 1`];
    assertScimContract(r, '429', extra);
    delays.push(Number(retryAfter));
  }
  return delays;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SCIM rate limit: 5/s + burst 5 per connection', () => {
  const RATE = 5;
  const BURST = 5;
  /** Requests a connection may make inside one second. */
  const PER_SECOND = RATE + BURST;
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ SCIM_RATE_LIMIT_PER_SECOND: String(RATE), SCIM_RATE_LIMIT_BURST: String(BURST) });
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  }, TEST_TIMEOUT_MS);

  const connection = async (): Promise<{ f: TenantFixture; scim: ScimClient }> => {
    const f = await createTenantWithConnection(t.admin);
    return { f, scim: new ScimClient(t.baseUrl, f) };
  };

  /**
   * At most PER_SECOND successes while everything fits in one second; if the burst straddled a
   * second boundary (slow machine), at most two seconds' worth — still far below the flood.
   */
  const allowed = (elapsedMs: number) => (elapsedMs < 1000 ? PER_SECOND : 2 * PER_SECOND);

  it(
    'a 40-request flood on one connection gets 429s with Retry-After in the SCIM envelope; another connection at the same moment is served',
    async () => {
      const a = await connection();
      const b = await connection();
      const started = Date.now();
      const [flood, neighbour] = await Promise.all([
        Promise.all(Array.from({ length: 40 }, () => a.scim.get('/Users?count=1'))),
        Promise.all(Array.from({ length: 5 }, () => b.scim.get('/Users?count=1'))),
      ]);
      const elapsed = Date.now() - started;
      expect(count(flood, 200) + count(flood, 429)).toBe(40);
      expect(count(flood, 200)).toBeGreaterThanOrEqual(1);
      expect(count(flood, 200)).toBeLessThanOrEqual(allowed(elapsed));
      expect(count(flood, 429)).toBeGreaterThan(0);
      expect(expectWellFormed429s(flood).every((s) => s <= 10)).toBe(true);
      // The key is the connection, not the client IP both share.
      expect(neighbour.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the budget is the connection’s across all SCIM routes, not one per endpoint',
    async () => {
      const a = await connection();
      const user = await a.scim.post('/Users', entraUser({}, a.f.domain));
      expect(user.status).toBe(201);
      await sleep(1100); // let the create's hit leave the one-second window
      const routes: Array<() => Promise<HttpResult>> = [
        () => a.scim.get('/Users?count=1'),
        () => a.scim.get('/Groups?count=1'),
        () => a.scim.get(`/Users/${user.body.id}`),
        () => a.scim.post('/Users/.search', { filter: 'userName pr', count: 1 }),
        () => a.scim.get('/ServiceProviderConfig'),
        () => a.scim.get('/Schemas'),
        () => a.scim.get('/ResourceTypes'),
        () => a.scim.get('/ResourceTypes/User'),
      ];
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => routes[i % routes.length]()));
      const elapsed = Date.now() - started;
      const ok = results.filter((r) => r.status === 200).length;
      expect(ok + count(results, 429)).toBe(40);
      // Per-endpoint buckets would let 8 routes × 10 through.
      expect(ok).toBeLessThanOrEqual(allowed(elapsed));
      expect(count(results, 429)).toBeGreaterThanOrEqual(40 - allowed(elapsed));
      expectWellFormed429s(results);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'Retry-After is honest: after waiting that long the connection is served again',
    async () => {
      const a = await connection();
      const flood = await Promise.all(Array.from({ length: 30 }, () => a.scim.get('/Users?count=1')));
      const delays = expectWellFormed429s(flood);
      expect(delays.length).toBeGreaterThan(0);
      const wait = Math.max(...delays);
      expect(wait).toBeLessThanOrEqual(10);
      await sleep(wait * 1000 + 150);
      const after = await a.scim.get('/Users?count=1');
      expect(after.status).toBe(200);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'never limits /health or the admin API, even while a connection is being throttled',
    async () => {
      const a = await connection();
      const [flood, health, admin] = await Promise.all([
        Promise.all(Array.from({ length: 30 }, () => a.scim.get('/Users?count=1'))),
        Promise.all(Array.from({ length: 60 }, () => t.http.get('/health'))),
        Promise.all(Array.from({ length: 60 }, () => t.admin.get(`/admin/v1/tenants/${a.f.tenantId}`))),
      ]);
      expect(count(flood, 429)).toBeGreaterThan(0);
      expect(health.map((r) => r.status)).toEqual(Array(60).fill(200));
      expect(admin.map((r) => r.status)).toEqual(Array(60).fill(200));
      // Still fine right after.
      expect((await t.http.get('/health')).status).toBe(200);
      expect((await t.admin.get(`/admin/v1/scim-connections/${a.f.connectionId}`)).status).toBe(200);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'an unauthenticated flood gets 401 (never 429) and costs a valid connection nothing',
    async () => {
      const victim = await connection();
      const stranger = new ScimClient(t.baseUrl, {
        connectionId: victim.f.connectionId,
        token: `rst_${'A'.repeat(43)}`,
      });
      const emptyToken = new ScimClient(t.baseUrl, { connectionId: victim.f.connectionId, token: '' });
      const other = await connection();
      // A valid token on another connection's path is no authentication either.
      const wrongPath = new ScimClient(t.baseUrl, { connectionId: other.f.connectionId, token: victim.f.token });
      const attackers: Array<() => Promise<HttpResult>> = [
        () => stranger.get('/Users?count=1'),
        () => emptyToken.get('/Users?count=1'),
        () => wrongPath.get('/Users?count=1'),
        () => t.http.get(`/scim/v2/${victim.f.connectionId}/Users?count=1`), // no Authorization at all
        () => t.http.get(`/scim/v2/${other.f.connectionId}/Groups`),
      ];
      const [flood, valid] = await Promise.all([
        Promise.all(Array.from({ length: 150 }, (_, i) => attackers[i % attackers.length]())),
        Promise.all(Array.from({ length: 5 }, () => victim.scim.get('/Users?count=1'))),
      ]);
      expect(count(flood, 401)).toBe(150);
      for (const r of flood) {
        assertScimContract(r, 'unauthenticated GET /Users');
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      expect(valid.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      // The 401s were not charged to either connection's budget: both still have their full second
      // (minus the 5 the victim just used).
      await sleep(1100);
      const victimAfter = await Promise.all(
        Array.from({ length: PER_SECOND }, () => victim.scim.get('/Users?count=1')),
      );
      expect(victimAfter.map((r) => r.status)).toEqual(Array(PER_SECOND).fill(200));
      const otherAfter = await Promise.all(Array.from({ length: PER_SECOND }, () => other.scim.get('/Users?count=1')));
      expect(otherAfter.map((r) => r.status)).toEqual(Array(PER_SECOND).fill(200));
    },
    TEST_TIMEOUT_MS,
  );
});

describe('SCIM rate limit: the ten-second budget (1/s sustained, burst 20)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // 21 per second would allow the whole run at once; 10 per ten seconds does not.
    t = await createTestApp({ SCIM_RATE_LIMIT_PER_SECOND: '1', SCIM_RATE_LIMIT_BURST: '20' });
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  }, TEST_TIMEOUT_MS);

  it(
    'past 10 requests in ten seconds → 429 whose Retry-After covers the whole block, then served again',
    async () => {
      const f = await createTenantWithConnection(t.admin);
      const scim = new ScimClient(t.baseUrl, f);
      const results: HttpResult[] = [];
      for (let i = 0; i < 12; i += 1) results.push(await scim.get('/Users?count=1'));
      expect(results.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(results.slice(10).map((r) => r.status)).toEqual([429, 429]);
      const [delay] = expectWellFormed429s(results.slice(10, 11));
      expect(delay).toBeLessThanOrEqual(10);
      // A client that honours Retry-After must not be refused again (Entra suspends the job for it, idp-dialects #34).
      await sleep(delay * 1000 + 200);
      const after = await scim.get('/Users?count=1');
      expect({ status: after.status, retryAfter: delay }).toEqual({ status: 200, retryAfter: delay });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('SCIM rate limit switched off (SCIM_RATE_LIMIT_PER_SECOND=0)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SCIM_RATE_LIMIT_PER_SECOND: '0' });
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  }, TEST_TIMEOUT_MS);

  it(
    'serves 200 rapid requests on one connection without a single 429',
    async () => {
      const f = await createTenantWithConnection(t.admin);
      const scim = new ScimClient(t.baseUrl, f);
      const results: HttpResult[] = [];
      for (let batch = 0; batch < 4; batch += 1) {
        results.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, (_, i) =>
              i % 2 ? scim.get('/Users?count=1') : scim.get('/ServiceProviderConfig'),
            ),
          )),
        );
      }
      expect(results).toHaveLength(200);
      expect(count(results, 200)).toBe(200);
    },
    TEST_TIMEOUT_MS,
  );
});
