import { randomBytes } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import type { HttpResult } from '../../utils/http-client';
import { createIsolatedDatabase } from '../../utils/isolated-database';
import { ScimClient } from '../../utils/scim-client';
import { SCIM_ERROR_URN } from '../../utils/scim-envelope';

jest.setTimeout(60_000);

/**
 * Issue #17: the SCIM rate limit and the failed-authentication throttle hold across replicas. Two
 * real Roster instances on one database, requests alternated between them: what both admit
 * together is the configured limit, not twice it (each instance counted alone admitted 2×).
 */
describe('rate limits with two app instances on one database', () => {
  const BUDGET = 5;
  // 21 a second would admit every request below; 10 in ten seconds (1/s sustained) does not.
  const env = { SCIM_RATE_LIMIT_PER_SECOND: '1', SCIM_RATE_LIMIT_BURST: '20', SCIM_AUTH_FAILURES_PER_MINUTE: '5' };
  let db: { url: string; dispose(): Promise<void> };
  let a: TestApp;
  let b: TestApp;
  const attacker = new Agent({ localAddress: '127.0.0.3' });

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    a = await createTestApp({ ...env, DATABASE_URL: db.url });
    b = await createTestApp({ ...env, DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await attacker.close();
    await b?.close();
    await a?.close();
    await db?.dispose();
  });

  const clients = (f: TenantFixture) => [new ScimClient(a.baseUrl, f), new ScimClient(b.baseUrl, f)];

  it('one connection gets 10 requests in ten seconds in all, alternating between the instances', async () => {
    const f = await createTenantWithConnection(a.admin);
    const [ca, cb] = clients(f);
    const results: Array<HttpResult & { via: string }> = [];
    for (let i = 0; i < 14; i++) {
      const via = i % 2 ? 'b' : 'a';
      results.push({ ...(await (i % 2 ? cb : ca).get('/Users?count=1')), via });
    }
    expect(results.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.slice(10).map((r) => [r.via, r.status])).toEqual([
      ['a', 429],
      ['b', 429],
      ['a', 429],
      ['b', 429],
    ]);
    for (const r of results.slice(10)) {
      expect(r.body).toMatchObject({ schemas: [SCIM_ERROR_URN], status: '429' });
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    }
  });

  it('a concurrent flood spread over both instances is admitted 10 times, not 20', async () => {
    const f = await createTenantWithConnection(a.admin);
    const [ca, cb] = clients(f);
    const flood = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? cb : ca).get('/Users?count=1')));
    expect(flood.filter((r) => r.status === 200)).toHaveLength(10);
    expect(flood.filter((r) => r.status === 429)).toHaveLength(30);
  });

  it('failed authentications from one address are budgeted across both instances', async () => {
    const f = await createTenantWithConnection(a.admin);
    const other = await createTenantWithConnection(a.admin);
    // The connection's IdP has been working through both instances (its token is known there).
    for (const c of clients(f)) expect((await c.get('/Users?count=1')).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await undiciFetch(`${(i % 2 ? b : a).baseUrl}/scim/v2/${f.connectionId}/Users?count=1`, {
        headers: { authorization: `Bearer rst_${randomBytes(32).toString('base64url')}` },
        dispatcher: attacker,
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(BUDGET).fill(401), ...Array(12 - BUDGET).fill(429)]);
    // Good clients are unaffected: the attacked connection's IdP, and another connection's first
    // request (its token never looked up before) from another address, through either instance.
    for (const c of clients(f)) expect((await c.get('/Users?count=1')).status).toBe(200);
    for (const c of clients(other)) expect((await c.get('/Users?count=1')).status).toBe(200);
  });

  it('never refuses an IdP whose concurrent first requests bring a new, correct token (only failures count)', async () => {
    const f = await createTenantWithConnection(a.admin);
    const [ca, cb] = clients(f);
    // Neither instance has seen this token: each of these requests may look it up — twice the failure
    // budget of lookups from one address, and exactly the ten-second request budget.
    const burst = await Promise.all(Array.from({ length: 2 * BUDGET }, (_, i) => (i % 2 ? cb : ca).get('/Groups')));
    expect(burst.map((r) => r.status)).toEqual(Array(2 * BUDGET).fill(200));
  });

  it('admits uncounted (fail open) when counting fails for another reason than an unreachable database', async () => {
    const f = await createTenantWithConnection(a.admin);
    const [ca, cb] = clients(f);
    await a.dataSource.query(`ALTER TABLE platform.rate_window RENAME TO rate_window_away`);
    try {
      const results = await Promise.all(Array.from({ length: 14 }, (_, i) => (i % 2 ? cb : ca).get('/Users?count=1')));
      expect(results.map((r) => r.status)).toEqual(Array(14).fill(200));
    } finally {
      await a.dataSource.query(`ALTER TABLE platform.rate_window_away RENAME TO rate_window`);
    }
  });
});
