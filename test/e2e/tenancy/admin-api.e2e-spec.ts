import { createHash } from 'node:crypto';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../../utils/create-test-app';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('Tenancy admin API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const spc = (connectionId: string, token?: string) =>
    t.http.withToken(token).get(`/scim/v2/${connectionId}/ServiceProviderConfig`);

  describe('authentication', () => {
    it.each([
      ['missing', undefined],
      ['wrong', 'not-the-admin-token-at-all-0123456789abcdef'],
      ['empty', ''],
    ])('refuses a %s admin token with 401', async (_, token) => {
      const res = await t.http.withToken(token).post('/admin/v1/tenants', { name: 'X' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body.error).toBe('unauthorized');
      const get = await t.http.withToken(token).get('/admin/v1/scim-connections/scim_conn_aaaaaaaaaaaaaaaaaaaaaaaa');
      expect(get.status).toBe(401);
    });

    it('refuses a SCIM token on the admin API', async () => {
      const f = await createTenantWithConnection(t.admin);
      const res = await t.http.withToken(f.token).get(`/admin/v1/tenants/${f.tenantId}`);
      expect(res.status).toBe(401);
    });

    it('serves /health without a token', async () => {
      const res = await t.http.get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, migrations: { status: 'up' } },
      });
    });
  });

  describe('tenants', () => {
    it('creates a tenant with validated, lower-cased SSO domains', async () => {
      const res = await t.admin.post('/admin/v1/tenants', {
        name: 'Acme',
        ssoDomains: ['Acme.Example', 'acme.example', 'SUB.acme.io.'],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Acme', ssoDomains: ['acme.example', 'sub.acme.io'] });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      const get = await t.admin.get(`/admin/v1/tenants/${res.body.id}`);
      expect(get.status).toBe(200);
      expect(get.body).toMatchObject({ id: res.body.id, name: 'Acme', ssoDomains: ['acme.example', 'sub.acme.io'] });
    });

    it('rejects an invalid domain with 400 naming the field', async () => {
      const res = await t.admin.post('/admin/v1/tenants', { name: 'Acme', ssoDomains: ['not a domain'] });
      expect(res.status).toBe(400);
      expect(res.body.error).toBeDefined();
      expect(res.body.message).toBeDefined();
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'ssoDomains' })]);
    });

    it.each([
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'A', ssoDomains: 'acme.example' }, 'ssoDomains'],
      [{ name: 'A', extra: true }, 'extra'],
    ])('rejects body %j with 400 naming %s', async (body, field) => {
      const res = await t.admin.post('/admin/v1/tenants', body);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(res.body.details.every((d: { problem: string }) => typeof d.problem === 'string')).toBe(true);
    });

    it('rejects malformed JSON with 400 and no stack trace', async () => {
      const res = await t.admin.request('POST', '/admin/v1/tenants', {
        rawBody: '{"name": ',
        contentType: 'application/json',
      });
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/at .*\.js:\d+/);
    });

    it('updates name and domains', async () => {
      const { body } = await t.admin.post('/admin/v1/tenants', { name: 'Old', ssoDomains: ['old.example'] });
      const res = await t.admin.patch(`/admin/v1/tenants/${body.id}`, { name: 'New', ssoDomains: ['NEW.example'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: body.id, name: 'New', ssoDomains: ['new.example'] });
    });

    it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1' OR '1'='1"])(
      'answers 404 for tenant id %s',
      async (id) => {
        expect((await t.admin.get(`/admin/v1/tenants/${encodeURIComponent(id)}`)).status).toBe(404);
        expect((await t.admin.patch(`/admin/v1/tenants/${encodeURIComponent(id)}`, { name: 'x' })).status).toBe(404);
        expect((await t.admin.post(`/admin/v1/tenants/${encodeURIComponent(id)}/scim-connections`, {})).status).toBe(
          404,
        );
      },
    );
  });

  describe('SCIM connections', () => {
    it('creates a connection whose Tenant URL is built from PUBLIC_URL', async () => {
      const { body: tenant } = await t.admin.post('/admin/v1/tenants', { name: 'Acme', ssoDomains: ['acme.example'] });
      const res = await t.admin.post(`/admin/v1/tenants/${tenant.id}/scim-connections`, { name: 'Entra' });
      expect(res.status).toBe(201);
      expect(res.body.id).toMatch(/^scim_conn_[a-z0-9]{24}$/);
      expect(res.body).toMatchObject({ tenantId: tenant.id, tenantUrl: `https://roster.test/scim/v2/${res.body.id}` });
      expect(new Date(res.body.createdAt).toString()).not.toBe('Invalid Date');
      const list = await t.admin.get(`/admin/v1/tenants/${tenant.id}/scim-connections`);
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
      const get = await t.admin.get(`/admin/v1/scim-connections/${res.body.id}`);
      // GET adds the connection's health (lastRequestAt, last24h, lastSyncRun).
      expect(get.body).toMatchObject(res.body);
    });

    it('accepts a connection without a body', async () => {
      const { body: tenant } = await t.admin.post('/admin/v1/tenants', { name: 'Acme' });
      const res = await t.admin.request('POST', `/admin/v1/tenants/${tenant.id}/scim-connections`);
      expect(res.status).toBe(201);
    });

    it.each(['scim_conn_doesnotexist00000000000', 'garbage', 'scim_conn_'])(
      'answers 404 for connection id %s',
      async (id) => {
        expect((await t.admin.get(`/admin/v1/scim-connections/${id}`)).status).toBe(404);
        expect((await t.admin.delete(`/admin/v1/scim-connections/${id}`)).status).toBe(404);
        expect((await t.admin.post(`/admin/v1/scim-connections/${id}/tokens`, { name: 'x' })).status).toBe(404);
        expect((await t.admin.get(`/admin/v1/scim-connections/${id}/tokens`)).status).toBe(404);
      },
    );

    it('deleting a connection refuses its tokens at once (404, not 401) and hides it from the admin API', async () => {
      const f = await createTenantWithConnection(t.admin);
      expect((await spc(f.connectionId, f.token)).status).toBe(200);
      const second = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/tokens`, { name: 'second' });
      const other = await createTenantWithConnection(t.admin);
      expect((await t.admin.delete(`/admin/v1/scim-connections/${f.connectionId}`)).status).toBe(204);
      // An IdP reads 401 as bad credentials (and repeated 401s quarantine an Entra job): a connection that
      // is gone is a 404, for every token it had — the cached one and one never used.
      for (const token of [f.token, second.body.token as string]) {
        const refused = await spc(f.connectionId, token);
        expect({ status: refused.status, schemas: refused.body.schemas }).toEqual({
          status: 404,
          schemas: [SCIM_ERROR],
        });
        expect((await t.http.withToken(token).get(`/scim/v2/${f.connectionId}/Users`)).status).toBe(404);
      }
      // Not an oracle: a wrong token on the deleted connection, a former token on another connection's
      // path and any token on an id that never existed stay 401.
      expect((await spc(f.connectionId, `rst_${'A'.repeat(43)}`)).status).toBe(401);
      expect((await spc(other.connectionId, f.token)).status).toBe(401);
      expect((await spc('scim_conn_aaaaaaaaaaaaaaaaaaaaaaaa', f.token)).status).toBe(401);
      expect((await spc(other.connectionId, other.token)).status).toBe(200);
      expect((await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}`)).status).toBe(404);
      expect((await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/tokens`)).status).toBe(404);
      expect((await t.admin.delete(`/admin/v1/scim-connections/${f.connectionId}`)).status).toBe(404);
      const list = await t.admin.get(`/admin/v1/tenants/${f.tenantId}/scim-connections`);
      expect(list.body.items).toEqual([]);
    });
  });

  describe('SCIM tokens', () => {
    it('shows the secret once and stores only its SHA-256 hash', async () => {
      const f = await createTenantWithConnection(t.admin);
      expect(f.token).toMatch(/^rst_[A-Za-z0-9_-]{43}$/);
      // 32 random bytes: ≥256 bits.
      expect(Buffer.from(f.token.slice(4), 'base64url')).toHaveLength(32);
      const list = await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/tokens`);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      const item = list.body.items[0];
      expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix']);
      expect(item).toMatchObject({ id: f.tokenId, name: 'Entra ID — Production', lastUsedAt: null });
      expect(f.token.startsWith(item.prefix)).toBe(true);
      expect(list.text).not.toContain(f.token);

      // Scan every text-like column of every table for the plaintext.
      const cols: Array<{ table_schema: string; table_name: string; column_name: string }> = await t.dataSource.query(
        `SELECT table_schema, table_name, column_name FROM information_schema.columns
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
            AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')`,
      );
      for (const c of cols) {
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM "${c.table_schema}"."${c.table_name}"
            WHERE position($1 in convert_from(convert_to("${c.column_name}"::text, 'UTF8'), 'UTF8')) > 0
               OR position($1 in encode(convert_to("${c.column_name}"::text, 'UTF8'), 'escape')) > 0`,
          [f.token],
        );
        expect({ column: `${c.table_schema}.${c.table_name}.${c.column_name}`, n }).toEqual({
          column: `${c.table_schema}.${c.table_name}.${c.column_name}`,
          n: 0,
        });
      }
      const [row] = await t.dataSource.query(`SELECT token_hash FROM tenancy.scim_token WHERE id = $1`, [f.tokenId]);
      expect(Buffer.from(row.token_hash).equals(createHash('sha256').update(f.token).digest())).toBe(true);
    });

    it('authenticates SCIM requests and records lastUsedAt', async () => {
      const f = await createTenantWithConnection(t.admin);
      const res = await spc(f.connectionId, f.token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      await new Promise((r) => setTimeout(r, 200));
      const list = await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/tokens`);
      expect(list.body.items[0].lastUsedAt).not.toBeNull();
    });

    it('allows two active tokens and refuses a third with 409', async () => {
      const f = await createTenantWithConnection(t.admin);
      const second = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/tokens`, { name: 'Rollover' });
      expect(second.status).toBe(201);
      const third = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/tokens`, { name: 'One too many' });
      expect(third.status).toBe(409);
      expect(third.body.error).toBe('conflict');
      expect((await spc(f.connectionId, f.token)).status).toBe(200);
      expect((await spc(f.connectionId, second.body.token)).status).toBe(200);
    });

    it('never lets concurrent requests exceed two active tokens', async () => {
      const { body: tenant } = await t.admin.post('/admin/v1/tenants', { name: 'Race' });
      const { body: conn } = await t.admin.post(`/admin/v1/tenants/${tenant.id}/scim-connections`, {});
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.admin.post(`/admin/v1/scim-connections/${conn.id}/tokens`, { name: `t${i}` }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409, 409, 409, 409]);
      const list = await t.admin.get(`/admin/v1/scim-connections/${conn.id}/tokens`);
      expect(list.body.items).toHaveLength(2);
    });

    it('rotation refuses the old secret immediately and keeps the slot', async () => {
      const f = await createTenantWithConnection(t.admin);
      const rotated = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/tokens/${f.tokenId}/rotate`);
      expect(rotated.status).toBe(201);
      expect(rotated.body).toMatchObject({ name: 'Entra ID — Production' });
      expect(rotated.body.id).not.toBe(f.tokenId);
      expect(rotated.body.token).not.toBe(f.token);
      const old = await spc(f.connectionId, f.token);
      expect(old.status).toBe(401);
      expect(old.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await spc(f.connectionId, rotated.body.token)).status).toBe(200);
      const list = await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/tokens`);
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([rotated.body.id]);
      // The rotated-away token cannot be rotated again.
      expect(
        (await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/tokens/${f.tokenId}/rotate`)).status,
      ).toBe(404);
    });

    it('revocation refuses the secret and frees the slot', async () => {
      const f = await createTenantWithConnection(t.admin);
      expect((await t.admin.delete(`/admin/v1/scim-connections/${f.connectionId}/tokens/${f.tokenId}`)).status).toBe(
        204,
      );
      expect((await spc(f.connectionId, f.token)).status).toBe(401);
      expect((await t.admin.delete(`/admin/v1/scim-connections/${f.connectionId}/tokens/${f.tokenId}`)).status).toBe(
        404,
      );
      expect((await t.admin.delete(`/admin/v1/scim-connections/${f.connectionId}/tokens/not-a-uuid`)).status).toBe(404);
    });

    it("refuses connection A's token on connection B's path with a SCIM 401", async () => {
      const a = await createTenantWithConnection(t.admin);
      const b = await createTenantWithConnection(t.admin);
      const res = await spc(b.connectionId, a.token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body).toEqual({ schemas: [SCIM_ERROR], status: '401', detail: expect.any(String) });
      expect(res.text).not.toContain(a.token);
    });

    it.each([
      ['no header', undefined],
      ['a wrong token', 'rst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['the admin token', TEST_ADMIN_TOKEN],
    ])('refuses SCIM requests with %s', async (_, token) => {
      const f = await createTenantWithConnection(t.admin);
      const res = await spc(f.connectionId, token);
      expect(res.status).toBe(401);
      expect(res.body.schemas).toEqual([SCIM_ERROR]);
      expect(res.body.status).toBe('401');
    });

    it('does not accept the token from the query string', async () => {
      const f = await createTenantWithConnection(t.admin);
      const res = await t.http.get(`/scim/v2/${f.connectionId}/ServiceProviderConfig?access_token=${f.token}`);
      expect(res.status).toBe(401);
    });

    it('matches SCIM endpoint names case-insensitively', async () => {
      const f = await createTenantWithConnection(t.admin);
      for (const name of ['ServiceProviderConfig', 'serviceproviderconfig', 'SERVICEPROVIDERCONFIG']) {
        const res = await t.http.withToken(f.token).get(`/scim/v2/${f.connectionId}/${name}?aadOptscim062020`);
        expect(res.status).toBe(200);
        expect(res.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
      }
    });
  });
});
