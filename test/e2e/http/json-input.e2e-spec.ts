import { gzipSync } from 'node:zlib';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import type { HttpResult } from '../../utils/http-client';
import { SCIM_CONTENT_TYPE, ScimClient } from '../../utils/scim-client';
import { scimContractViolations } from '../../utils/scim-envelope';

/**
 * The one JSON input guard (issue #17): every body on every route family is parsed, checked for
 * depth, NUL, lone surrogates and top-level type before anything recursive or PostgreSQL sees it,
 * and answered 400 in that family's error shape. Each case below was a 500 (or a silent wrong
 * answer) before the guard.
 */
describe('JSON input guard', () => {
  let t: TestApp;
  let f: TenantFixture;
  let scim: ScimClient;

  beforeAll(async () => {
    t = await createTestApp();
    f = await createTenantWithConnection(t.admin);
    scim = new ScimClient(t.baseUrl, f);
  });
  afterAll(async () => {
    await t.close();
  });

  const NUL = 'Ac\u0000me';
  const LONE = 'Ac\ud800me';
  const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  /** `{error, message, details}` of the admin and session APIs, without internals. */
  function expectAdmin400(res: HttpResult): void {
    expect({ status: res.status, text: res.text }).toMatchObject({ status: 400 });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
    expect(Array.isArray(res.body.details)).toBe(true);
    expect(res.body.details[0]).toEqual({ field: expect.any(String), problem: expect.any(String) });
    expect(res.text).not.toMatch(/invalid byte sequence|TypeError|RangeError|stack|\.ts:\d+/);
  }

  function expectScim400(res: HttpResult, scimType: string): void {
    expect(scimContractViolations(res)).toEqual([]);
    expect({ status: res.status, scimType: res.body?.scimType }).toEqual({ status: 400, scimType });
  }

  describe('NUL characters in names and emails (PostgreSQL: invalid byte sequence 0x00)', () => {
    it('tenant create and rename', async () => {
      expectAdmin400(await t.admin.post('/admin/v1/tenants', { name: NUL }));
      expectAdmin400(await t.admin.patch(`/admin/v1/tenants/${f.tenantId}`, { name: NUL }));
      expectAdmin400(await t.admin.post('/admin/v1/tenants', { name: 'Acme', ssoDomains: ['a\u0000.example'] }));
    });

    it('connection, token, site, group, member', async () => {
      expectAdmin400(await t.admin.post(`/admin/v1/tenants/${f.tenantId}/scim-connections`, { name: NUL }));
      expectAdmin400(await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/tokens`, { name: NUL }));
      expectAdmin400(await t.admin.post(`/admin/v1/tenants/${f.tenantId}/sites`, { name: NUL }));
      expectAdmin400(await t.admin.post(`/admin/v1/tenants/${f.tenantId}/groups`, { name: NUL }));
      expectAdmin400(
        await t.admin.post(`/admin/v1/tenants/${f.tenantId}/groups`, { name: 'G', permissions: ['audit\u0000.read'] }),
      );
      expectAdmin400(await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: `ada\u0000@${f.domain}` }));
    });

    it('names the offending field', async () => {
      const res = await t.admin.post(`/admin/v1/tenants/${f.tenantId}/groups`, { name: 'G', permissions: ['a', NUL] });
      expectAdmin400(res);
      expect(res.body.details[0].field).toBe('permissions[1]');
    });

    it('a NUL in a key', async () => {
      expectAdmin400(await t.admin.post('/admin/v1/tenants', { name: 'Acme', ['x\u0000']: 1 }));
    });
  });

  it('a lone surrogate (the outbox JSON insert failed)', async () => {
    expectAdmin400(await t.admin.post('/admin/v1/tenants', { name: LONE }));
    expectAdmin400(await t.admin.post(`/admin/v1/tenants/${f.tenantId}/sites`, { name: '\udc00' }));
    // A correctly paired surrogate (an emoji) is ordinary text.
    const ok = await t.admin.post('/admin/v1/tenants', { name: 'Acme \ud83d\ude80' });
    expect(ok.status).toBe(201);
    expect(ok.body.name).toBe('Acme 🚀');
  });

  it('{"name": null} on tenant PATCH is a 400 naming the field (was TypeError … trim)', async () => {
    const res = await t.admin.patch(`/admin/v1/tenants/${f.tenantId}`, { name: null });
    expectAdmin400(res);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('name');
  });

  it.each([
    ['a blank name', ' '],
    ['a name of tabs and newlines', '\t\n '],
  ])('%s does not create a tenant named "" (400)', async (_, name) => {
    const res = await t.admin.post('/admin/v1/tenants', { name });
    expectAdmin400(res);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('name');
    expectAdmin400(await t.admin.patch(`/admin/v1/tenants/${f.tenantId}`, { name }));
  });

  describe('nesting 100,000 levels (stack overflow in the validation pipe)', () => {
    it.each([
      ['POST', '/admin/v1/tenants'],
      ['POST', '/v1/sessions/introspect'],
      ['POST', '/v1/sessions'],
    ])('%s %s → 400', async (method, path) => {
      const res = await t.admin.request(method, path, { rawBody: deep(100_000) });
      expectAdmin400(res);
      expect(res.body.message).toMatch(/nested deeper than/);
    });

    it('on SCIM routes → 400 invalidSyntax', async () => {
      const res = await scim.http.request('POST', `${scim.prefix}/Users`, {
        rawBody: deep(100_000),
        contentType: SCIM_CONTENT_TYPE,
      });
      expectScim400(res, 'invalidSyntax');
    });

    it('nesting within the limit still reaches validation', async () => {
      const res = await t.admin.request('POST', '/admin/v1/tenants', { rawBody: `{"name":"A","x":${deep(20)}}` });
      expectAdmin400(res);
      expect(res.body.details[0].field).toBe('x');
    });
  });

  describe('top-level type', () => {
    it.each([['null'], ['[1,2]'], ['"filter"'], ['42'], ['true']])(
      'POST /Users/.search with body %s → 400 invalidSyntax (was: every user)',
      async (raw) => {
        const res = await scim.http.request('POST', `${scim.prefix}/Users/.search`, {
          rawBody: raw,
          contentType: SCIM_CONTENT_TYPE,
        });
        expectScim400(res, 'invalidSyntax');
      },
    );

    it.each([['null'], ['[1,2]'], ['"x"']])('admin body %s → 400', async (raw) => {
      expectAdmin400(await t.admin.request('POST', '/admin/v1/tenants', { rawBody: raw }));
      expectAdmin400(await t.admin.request('POST', '/v1/sessions/introspect', { rawBody: raw }));
    });
  });

  describe('SCIM bodies', () => {
    it('a NUL in a SCIM user → 400 invalidValue naming the path', async () => {
      const res = await scim.post('/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `a@${f.domain}`,
        name: { givenName: NUL },
      });
      expectScim400(res, 'invalidValue');
      expect(res.body.detail).toContain('name.givenName');
    });

    it('a lone surrogate in a SCIM PATCH → 400 invalidValue', async () => {
      const res = await scim.patch('/Users/2819c223-7f76-453a-919d-413861904646', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: LONE }],
      });
      expectScim400(res, 'invalidValue');
    });
  });

  describe('Content-Encoding', () => {
    // Fastify does not decode request bodies: a gzip body would be parsed as JSON text (400) or, worse,
    // an encoding a proxy already removed would be ignored. Refuse what is not identity (RFC 9110 §8.4.1).
    it.each([['gzip'], ['deflate'], ['br'], ['gzip, identity']])('%s on an admin JSON body → 415', async (enc) => {
      const res = await t.admin.request('POST', '/admin/v1/tenants', {
        rawBody: JSON.stringify({ name: 'Zipped' }),
        headers: { 'content-encoding': enc },
      });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ error: 'unsupported_media_type' });
    });

    it('gzip on a SCIM body → 415 envelope, even when the bytes really are gzip', async () => {
      const res = await fetch(`${t.baseUrl}${scim.prefix}/Users`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${f.token}`,
          'content-type': SCIM_CONTENT_TYPE,
          'content-encoding': 'gzip',
        },
        body: gzipSync(JSON.stringify({ userName: `gz@${f.domain}` })),
      });
      const text = await res.text();
      expect(res.status).toBe(415);
      expect(JSON.parse(text)).toMatchObject({ status: '415', schemas: [expect.stringContaining(':Error')] });
      const list = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "gz@${f.domain}"`)}`);
      expect(list.body.totalResults).toBe(0);
    });

    it('identity is accepted', async () => {
      const res = await t.admin.request('POST', '/admin/v1/tenants', {
        rawBody: JSON.stringify({ name: 'Plain' }),
        headers: { 'content-encoding': 'identity' },
      });
      expect(res.status).toBe(201);
    });
  });

  it('bytes that are not UTF-8 → 400, not silently replaced by U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"Acme '), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await fetch(`${t.baseUrl}/admin/v1/tenants`, {
      method: 'POST',
      headers: { authorization: t.admin.token ? `Bearer ${t.admin.token}` : '', 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  describe('query strings and path parameters', () => {
    it.each([
      ['/admin/v1/tenants/%00'],
      ['/admin/v1/tenants/%ED%A0%80'],
      ['/admin/v1/scim-connections/scim_conn_%00'],
      ['/admin/v1/sync-runs/%00'],
    ])('GET %s → 404', async (path) => {
      const res = await t.admin.get(path);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 404, body: { error: 'not_found' } });
    });

    it.each([
      ['/admin/v1/audit-events?action=%00'],
      ['/admin/v1/audit-events?cursor=%00'],
      ['/admin/v1/audit-events?tenantId=%00'],
      [`/admin/v1/tenants/{tenantId}/members?cursor=%00`],
      [`/admin/v1/scim-connections/{connectionId}/scim-users?cursor=%00`],
      [`/admin/v1/scim-connections/{connectionId}/sync-runs?cursor=%ED%A0%80`],
    ])('GET %s → 400', async (template) => {
      const path = template.replace('{tenantId}', f.tenantId).replace('{connectionId}', f.connectionId);
      const res = await t.admin.get(path);
      expect({ status: res.status, error: res.body?.error }).toEqual({ status: 400, error: 'invalid_request' });
    });
  });
});
