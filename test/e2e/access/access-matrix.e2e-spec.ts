import { randomBytes, randomUUID } from 'node:crypto';
import type { PrincipalScope } from '../../../src/shared/domain/principal';
import { appRoutes, type AppRoute } from '../../utils/scoped-routes';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import type { HttpClient, HttpResult } from '../../utils/http-client';

/**
 * The access matrix: every admin-authenticated route of the running app (read from the Nest
 * router), called with a real API key of each scope — on the key's own tenant's resources and on
 * another tenant's. A route without a declared scope list, or with one that differs from the rule
 * below, fails; so does a route whose path parameters this test cannot fill (add a fixture).
 *
 * The rule (issue #18): `admin` keys reach everything. `tenant` keys reach everything under their
 * tenant, but do not create tenants, mint/revoke keys or touch the deployment's outbox (403), and another tenant's resource is a
 * 404. `sessions` keys reach only /v1/sessions* of their tenant (403 elsewhere, 404 for another
 * tenant's session).
 */
function expectedScopes(r: Pick<AppRoute, 'method' | 'path'>): PrincipalScope[] {
  if (r.path === '/v1/sessions' || r.path.startsWith('/v1/sessions/')) return ['admin', 'sessions'];
  if (r.method === 'POST' && r.path === '/admin/v1/tenants') return ['admin'];
  if (r.path.startsWith('/admin/v1/api-keys') && r.method !== 'GET') return ['admin'];
  if (r.path.startsWith('/admin/v1/outbox/')) return ['admin'];
  if (r.path.startsWith('/admin/v1/')) return ['admin', 'tenant'];
  throw new Error(`no access rule for ${r.method} ${r.path}: extend expectedScopes`);
}

/**
 * Routes that name no tenant resource in their path: how a call names another tenant, or why it
 * cannot (then a dedicated test below covers what the key sees).
 */
const OTHER_TENANT_BY: Record<string, 'query' | 'body' | { global: string }> = {
  'GET /admin/v1/audit-events': 'query',
  'GET /admin/v1/audit-events/export': 'query',
  'GET /admin/v1/api-keys': 'query',
  'POST /v1/sessions': 'body',
  'GET /admin/v1/tenants': { global: 'a tenant key lists its own tenant only (tested below)' },
  'POST /admin/v1/tenants': { global: 'admin only' },
  'POST /admin/v1/api-keys': { global: 'admin only' },
  'GET /admin/v1/audit-events/verify': {
    global: 'the chain is one for all tenants; the answer names no entry content',
  },
  'GET /admin/v1/audit-events/head': {
    global: "the chain's signed head: a sequence and a hash, no entry content (a tenant's exports carry it too)",
  },
  'POST /v1/sessions/introspect': { global: "another tenant's token is inactive to a sessions key (tested below)" },
  'GET /admin/v1/outbox/dead-letters': { global: 'admin only: the outbox is the deployment’s' },
  'GET /admin/v1/console-sessions/current': { global: 'the caller’s own console session' },
  'DELETE /admin/v1/console-sessions/current': { global: 'the caller’s own console session' },
  'GET /admin/v1/sync-schedule': { global: 'the deployment’s schedule, the same for every tenant' },
};

/** Allowed calls that find nothing in a test world, and why: there a 404 still means "allowed". */
const OWN_MAY_404: Record<string, string> = {
  'POST /admin/v1/outbox/dead-letters/:eventId/retry': 'a test world has no dead letter to retry',
  'GET /admin/v1/scim-connections/:connectionId/scim-users/:userId':
    'a test world has no staged user (no SCIM traffic)',
  'GET /admin/v1/scim-connections/:connectionId/scim-groups/:groupId/members': 'a test world has no staged group',
};

/** Calls that consume their fixture when they succeed: each own-tenant call gets a fresh world. */
const consumes = (r: AppRoute) => r.method === 'DELETE' || r.path.endsWith('/rotate');

interface World {
  tenantId: string;
  connectionId: string;
  tokenId: string;
  accountId: string;
  email: string;
  groupId: string;
  siteId: string;
  runId: string;
  sessionId: string;
  sessionToken: string;
  keyId: string;
  /** No dead letter exists in a world: an id that names none. */
  eventId: string;
  /** No staged user exists in a world (no SCIM traffic): an id that names none. */
  userId: string;
}

function ok(res: HttpResult, what: string, status = 201): HttpResult {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res;
}

/** One of everything in a tenant (a new tenant unless `inTenant`), made through the admin API. */
async function newWorld(admin: HttpClient, inTenant?: World): Promise<World> {
  const suffix = randomBytes(4).toString('hex');
  const domain = `m${suffix}.example`;
  const tenantId =
    inTenant?.tenantId ??
    (ok(await admin.post('/admin/v1/tenants', { name: `Matrix ${domain}`, ssoDomains: [domain] }), 'tenant').body
      .id as string);
  const conn = ok(await admin.post(`/admin/v1/tenants/${tenantId}/scim-connections`, { name: 'Entra' }), 'conn');
  const connectionId = conn.body.id as string;
  const token = ok(await admin.post(`/admin/v1/scim-connections/${connectionId}/tokens`, { name: 'Entra' }), 'token');
  const email = `ada@${domain}`;
  const member = ok(await admin.post(`/admin/v1/tenants/${tenantId}/members`, { email }), 'member');
  const site = ok(await admin.post(`/admin/v1/tenants/${tenantId}/sites`, { name: `Oslo ${suffix}` }), 'site');
  const group = ok(
    await admin.post(`/admin/v1/tenants/${tenantId}/groups`, {
      name: `Auditors ${suffix}`,
      permissions: [],
      siteIds: [],
    }),
    'group',
  );
  const run = ok(await admin.post(`/admin/v1/scim-connections/${connectionId}/sync-runs`, {}), 'run', 202);
  const session = ok(await admin.post('/v1/sessions', { tenantId, email }), 'session');
  const key = ok(await admin.post('/admin/v1/api-keys', { name: 'matrix', scope: 'tenant', tenantId }), 'key');
  return {
    tenantId,
    connectionId,
    tokenId: token.body.id,
    accountId: member.body.accountId,
    email,
    groupId: group.body.id,
    siteId: site.body.id,
    runId: run.body.id,
    sessionId: session.body.id,
    sessionToken: session.body.token,
    keyId: key.body.id,
    eventId: randomUUID(),
    userId: randomUUID(),
  };
}

function fill(path: string, w: World): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = (w as unknown as Record<string, string | undefined>)[name];
    if (value === undefined) throw new Error(`the matrix has no fixture for path parameter :${name} (${path})`);
    return encodeURIComponent(value);
  });
}

/** A call of the route against world `w`; `tenantFor` names the tenant in the query or body where the route takes one there. */
function call(client: HttpClient, r: AppRoute, w: World, tenantFor?: World): Promise<HttpResult> {
  const by = OTHER_TENANT_BY[r.route];
  let path = fill(r.path, w);
  let body: unknown = ['POST', 'PUT', 'PATCH'].includes(r.method) ? {} : undefined;
  if (by === 'query' && tenantFor) path += `?tenantId=${tenantFor.tenantId}`;
  if (by === 'body') body = { tenantId: (tenantFor ?? w).tenantId, email: w.email };
  return client.request(r.method, path, { body });
}

describe('access matrix: every admin route × every key scope', () => {
  let t: TestApp;
  let routes: AppRoute[];
  let a: World;
  let b: World;
  const keys = {} as Record<PrincipalScope, HttpClient>;

  beforeAll(async () => {
    t = await createTestApp();
    routes = appRoutes(t.app).filter((r) => r.scheme === 'admin');
    const adminKey = ok(
      await t.admin.post('/admin/v1/api-keys', { name: 'matrix admin', scope: 'admin' }),
      'admin key',
    );
    keys.admin = t.http.withToken(adminKey.body.key);
    [a, b] = await Promise.all([newWorld(keys.admin), newWorld(keys.admin)]);
    for (const scope of ['tenant', 'sessions'] as const) {
      const k = ok(
        await keys.admin.post('/admin/v1/api-keys', { name: `matrix ${scope}`, scope, tenantId: a.tenantId }),
        `${scope} key`,
      );
      keys[scope] = t.http.withToken(k.body.key);
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('finds the admin routes, and every one declares the scopes the rule gives it', () => {
    expect(routes.length).toBeGreaterThan(40);
    const wrong = routes
      .filter((r) => JSON.stringify(r.scopes) !== JSON.stringify(expectedScopes(r)))
      .map((r) => `${r.route}: declared ${JSON.stringify(r.scopes)}, expected ${JSON.stringify(expectedScopes(r))}`);
    expect(wrong).toEqual([]);
  });

  it('knows how every route without a path parameter names a tenant', () => {
    const unknown = routes.filter((r) => !r.path.includes(':') && OTHER_TENANT_BY[r.route] === undefined);
    expect(unknown.map((r) => r.route)).toEqual([]);
  });

  it.each(['admin', 'tenant', 'sessions'] as const)(
    'a %s key: allowed on its tenant, 403 where its scope may not go, 404 on another tenant',
    async (scope) => {
      const problems: string[] = [];
      for (const r of routes) {
        const allowed = expectedScopes(r).includes(scope);
        const own = await call(keys[scope], r, consumes(r) && allowed ? await newWorld(keys.admin, a) : a, a);
        if (own.status >= 500) problems.push(`${r.route} own: ${own.status} ${own.text}`);
        else if (!allowed && own.status !== 403) problems.push(`${r.route} own: ${own.status}, expected 403`);
        else if (allowed && [401, 403, 404].includes(own.status) && !(own.status === 404 && OWN_MAY_404[r.route]))
          problems.push(`${r.route} own: ${own.status} ${own.text}, expected it allowed`);
        if (!allowed && own.status === 403) {
          expect(own.body).toMatchObject({
            error: 'forbidden',
            message: expect.any(String),
            details: expect.any(Array),
          });
        }
        // Another tenant's resource: refused for tenant-bound keys (an admin key reaches every tenant).
        if (scope === 'admin' || typeof OTHER_TENANT_BY[r.route] === 'object') continue;
        const other = await call(keys[scope], r, b, b);
        const expected = allowed ? 404 : 403;
        if (other.status !== expected) problems.push(`${r.route} other tenant: ${other.status}, expected ${expected}`);
        else if (expected === 404) expect(other.body).toMatchObject({ error: 'not_found' });
      }
      expect(problems).toEqual([]);
    },
    300_000,
  );

  it("leaves another tenant's resources untouched after every refused call", async () => {
    const check = [
      `/admin/v1/tenants/${b.tenantId}`,
      `/admin/v1/scim-connections/${b.connectionId}`,
      `/admin/v1/tenants/${b.tenantId}/members/${b.accountId}`,
      `/admin/v1/tenants/${b.tenantId}/groups/${b.groupId}`,
      `/admin/v1/tenants/${b.tenantId}/sites/${b.siteId}`,
    ];
    for (const path of check) expect((await keys.admin.get(path)).status).toBe(200);
    const tokens = await keys.admin.get(`/admin/v1/scim-connections/${b.connectionId}/tokens`);
    expect(tokens.body.items.map((x: { id: string }) => x.id)).toContain(b.tokenId);
    const introspect = await keys.admin.post('/v1/sessions/introspect', { token: b.sessionToken });
    expect(introspect.body.active).toBe(true);
    const list = await keys.admin.get(`/admin/v1/api-keys?tenantId=${b.tenantId}`);
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(b.keyId);
  });

  it('a tenant key lists its own tenant only, with or without a name search', async () => {
    const all = await keys.tenant.get('/admin/v1/tenants?limit=500');
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: { id: string }) => x.id)).toEqual([a.tenantId]);
    const other = await keys.tenant.get(`/admin/v1/tenants?q=${encodeURIComponent('Matrix')}`);
    expect(other.body.items.map((x: { id: string }) => x.id)).toEqual([a.tenantId]);
  });

  it("a sessions key finds another tenant's session token inactive, its own active", async () => {
    const theirs = await keys.sessions.post('/v1/sessions/introspect', { token: b.sessionToken });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual({ active: false });
    const session = await keys.sessions.post('/v1/sessions', { email: a.email });
    expect(session.status).toBe(201);
    const mine = await keys.sessions.post('/v1/sessions/introspect', { token: session.body.token });
    expect(mine.body).toMatchObject({ active: true, tenantId: a.tenantId });
  });

  it("a tenant key's audit list and export cover its tenant only", async () => {
    let list = await keys.tenant.get('/admin/v1/audit-events?limit=1000');
    // Another suite's relay may hold some of tenant A's events a moment (a shared outbox): poll.
    await expectEventually(async () => {
      await t.drainOutbox();
      list = await keys.tenant.get('/admin/v1/audit-events?limit=1000');
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
    }, 15_000);
    const tenants = new Set(list.body.items.map((x: { tenantId: string }) => x.tenantId));
    expect([...tenants]).toEqual([a.tenantId]);
    const csv = await keys.tenant.get('/admin/v1/audit-events/export?format=ndjson');
    expect(csv.status).toBe(200);
    const lines = csv.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tenantId?: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.tenantId === undefined || l.tenantId === a.tenantId)).toBe(true);
  });
});
