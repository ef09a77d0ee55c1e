import { randomBytes } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { ApiKeyCache } from '../../../src/modules/tenancy/infrastructure/api-key.cache';
import { ApiKeyRepository } from '../../../src/modules/tenancy/infrastructure/api-key.repository';
import { Metrics } from '../../../src/shared/metrics/metrics';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../../utils/create-test-app';

jest.setTimeout(60_000);

const BUDGET = 5;
const wrongKey = () => `rak_${randomBytes(32).toString('base64url')}`;

/** One request from a real client address (an undici Agent bound to it). */
async function call(
  t: TestApp,
  agent: Agent,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const res = await undiciFetch(`${t.baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : undefined };
}

const getTenants = (t: TestApp, agent: Agent, key: string) =>
  call(t, agent, 'GET', '/admin/v1/tenants?limit=1', { authorization: `Bearer ${key}` });

const signIn = (t: TestApp, agent: Agent, apiKey: string) =>
  call(t, agent, 'POST', '/admin/v1/console-sessions', { 'x-roster-console': '1', origin: t.baseUrl }, { apiKey });

async function mintAdminKey(t: TestApp, name: string): Promise<{ id: string; key: string }> {
  const res = await t.admin.post('/admin/v1/api-keys', { name, scope: 'admin' });
  expect(res.status).toBe(201);
  return res.body;
}

function expectThrottled(r: { status: number; retryAfter: string | null; body: any }) {
  expect(r.status).toBe(429);
  expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
  expect(r.body).toEqual({ error: 'too_many_requests', message: expect.any(String) });
}

/**
 * Failed API-key authentications — admin and sessions API bearers, the console sign-in — are
 * throttled per client address before the key lookup (ADMIN_AUTH_FAILURES_PER_MINUTE), like SCIM's:
 * past the budget, 429 + Retry-After in the admin error shape and no database lookup; a key this
 * process has verified is never refused, a never-seen correct key from a throttled address is until
 * the window ends. Client addresses are real: each attacker connects from its own 127.0.0.x.
 */
describe('failed admin API authentications are throttled per client address before the lookup', () => {
  let t: TestApp;
  const good = new Agent({ localAddress: '127.0.0.1' });
  const attacker = new Agent({ localAddress: '127.0.0.4' });
  const consoleAttacker = new Agent({ localAddress: '127.0.0.5' });

  beforeAll(async () => {
    t = await createTestApp({ ADMIN_AUTH_FAILURES_PER_MINUTE: String(BUDGET) });
  });
  afterAll(async () => {
    await Promise.all([good.close(), attacker.close(), consoleAttacker.close()]);
    await t?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers 429 + Retry-After past the budget without looking the key up; known keys and the bootstrap token still work', async () => {
    const operator = await mintAdminKey(t, 'operator behind the NAT');
    const fresh = await mintAdminKey(t, 'never used yet');
    const revoked = await mintAdminKey(t, 'revoked');
    expect((await t.admin.delete(`/admin/v1/api-keys/${revoked.id}`)).status).toBe(204);
    // The operator's key has been working (verified by this process).
    expect((await getTenants(t, good, operator.key)).status).toBe(200);
    const lookups = jest.spyOn(t.app.get(ApiKeyRepository), 'findActiveByHash');

    // A revoked key counts one failure like a wrong one.
    const keys = [revoked.key, ...Array.from({ length: 11 }, wrongKey)];
    const results = [];
    for (const key of keys) results.push(await getTenants(t, attacker, key));
    expect(results.map((r) => r.status)).toEqual([...Array(BUDGET).fill(401), ...Array(12 - BUDGET).fill(429)]);
    for (const r of results.slice(BUDGET)) expectThrottled(r);
    // Only the admitted attempts reached the database.
    expect(lookups).toHaveBeenCalledTimes(BUDGET);

    // A never-seen correct key from the throttled address is refused, unlooked-up, until the window ends…
    expectThrottled(await getTenants(t, attacker, fresh.key));
    expect(lookups).toHaveBeenCalledTimes(BUDGET);
    // …while from another address it works.
    expect((await getTenants(t, good, fresh.key)).status).toBe(200);
    // The operator's known key from the throttled address: looked up even with the cache bypassed.
    jest.spyOn(t.app.get(ApiKeyCache), 'get').mockReturnValue(undefined);
    expect((await getTenants(t, attacker, operator.key)).status).toBe(200);
    expect(lookups).toHaveBeenCalledTimes(BUDGET + 2);
    // The bootstrap token is no lookup: never throttled.
    expect((await getTenants(t, attacker, TEST_ADMIN_TOKEN)).status).toBe(200);

    const text = await t.app.get(Metrics).registry.metrics();
    expect(text).toMatch(new RegExp(`roster_auth_throttled_total\\{api="admin"\\} ${12 - BUDGET + 1}\\n`));
  });

  it('throttles console sign-ins with wrong keys, in the console’s error shape; a known key still signs in', async () => {
    const operator = await mintAdminKey(t, 'console operator');
    expect((await signIn(t, good, operator.key)).status).toBe(201);
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await signIn(t, consoleAttacker, wrongKey()));
    expect(results.map((r) => r.status)).toEqual([...Array(BUDGET).fill(401), ...Array(8 - BUDGET).fill(429)]);
    for (const r of results.slice(0, BUDGET))
      expect(r.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    for (const r of results.slice(BUDGET)) expectThrottled(r);
    // One budget per address for every key authentication: its bearers are throttled too.
    expectThrottled(await getTenants(t, consoleAttacker, wrongKey()));
    expect((await signIn(t, consoleAttacker, operator.key)).status).toBe(201);
  });
});

/** Two Roster instances on one database: what both admit together is the budget, not twice it. */
describe('the admin failed-authentication budget with two app instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  const attacker = new Agent({ localAddress: '127.0.0.6' });

  beforeAll(async () => {
    const env = { ADMIN_AUTH_FAILURES_PER_MINUTE: String(BUDGET) };
    a = await createTestApp(env);
    b = await createTestApp(env);
  });
  afterAll(async () => {
    await attacker.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('counts failed bearers and sign-ins from one address across both instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const via = i % 2 ? b : a;
      const r = i % 3 ? await getTenants(via, attacker, wrongKey()) : await signIn(via, attacker, wrongKey());
      statuses.push(r.status);
    }
    expect(statuses).toEqual([...Array(BUDGET).fill(401), ...Array(12 - BUDGET).fill(429)]);
  });
});
