import { RequestMethod } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import { ScimClient } from '../../utils/scim-client';

interface Operation {
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string; type?: string } }> }>;
}
interface Document {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[]; allOf?: unknown[] }>;
  };
}

/**
 * /docs/openapi.json describes every admin and sessions route the Nest router maps — a new route
 * missing from it fails here — with its request schema and the error shape; SCIM is linked, not
 * duplicated. /docs is Swagger UI served from Roster itself.
 */
describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Document;

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as Document;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Routes as the router has them, enumerated independently of the document's builder. */
  function routes() {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const out: Array<{ key: string; path: string; method: string; body: boolean; query: boolean }> = [];
    for (const wrapper of discovery.getControllers()) {
      const cls = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!cls || !wrapper.instance) continue;
      const base = Reflect.getMetadata('path', cls) as string;
      for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance))) {
        const handler = (wrapper.instance as Record<string, unknown>)[name] as object;
        const path = Reflect.getMetadata('path', handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata('method', handler) as number].toLowerCase();
        const openApiPath = `/${base}/${path}`
          .replace(/\/+/g, '/')
          .replace(/(.)\/$/, '$1')
          .replace(/:(\w+)/g, '{$1}');
        const args = Object.entries(
          (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) ?? {}) as Record<string, { data?: unknown }>,
        );
        const kinds = args.filter(([, a]) => a.data === undefined).map(([k]) => Number(k.split(':')[0]));
        out.push({
          key: `${method.toUpperCase()} ${openApiPath}`,
          path: openApiPath,
          method,
          body: kinds.includes(RouteParamtypes.BODY),
          query: kinds.includes(RouteParamtypes.QUERY),
        });
      }
    }
    return out;
  }

  it('is OpenAPI 3 and has every admin, sessions and health route — and no SCIM route', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const all = routes();
    expect(all.length).toBeGreaterThan(40);
    const missing = all
      .filter((r) => !r.path.startsWith('/scim/'))
      .filter((r) => doc.paths[r.path]?.[r.method] === undefined)
      .map((r) => r.key);
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/scim/'))).toEqual([]);
    expect(all.filter((r) => r.path.startsWith('/scim/')).length).toBeGreaterThan(10);
  });

  it('links SCIM to RFC 7644 and its own discovery endpoints instead of duplicating it', () => {
    expect(doc.info.description).toContain('https://www.rfc-editor.org/rfc/rfc7644');
    expect(doc.info.description).toContain('/scim/v2/{connectionId}/ServiceProviderConfig');
    expect(doc.info.description).toContain('…/Schemas');
  });

  it('gives every body its schema (from the validating DTO), every query DTO its parameters, every admin route the error shape and bearer auth', () => {
    const problems: string[] = [];
    for (const r of routes().filter((x) => !x.path.startsWith('/scim/'))) {
      const op = doc.paths[r.path][r.method];
      if (r.body) {
        const ref = op.requestBody?.content['application/json']?.schema.$ref ?? '';
        const schema = doc.components.schemas[ref.replace('#/components/schemas/', '')];
        if (!schema?.properties || Object.keys(schema.properties).length === 0) problems.push(`${r.key}: body schema`);
      }
      if (r.query && !(op.parameters ?? []).some((p) => p.in === 'query')) problems.push(`${r.key}: query parameters`);
      if (!r.path.startsWith('/health')) {
        if (op.responses['401']?.content?.['application/json']?.schema.$ref !== '#/components/schemas/Error')
          problems.push(`${r.key}: error shape`);
        if (!op.security?.length) problems.push(`${r.key}: security`);
      }
    }
    expect(problems).toEqual([]);
    expect(doc.components.schemas.Error.required).toEqual(['error', 'message']);
    // Spot check: a tenant is created from a name and SSO domains.
    const create = doc.paths['/admin/v1/tenants'].post.requestBody!.content['application/json'].schema.$ref!;
    expect(Object.keys(doc.components.schemas[create.split('/').pop()!].properties!)).toEqual(
      expect.arrayContaining(['name', 'ssoDomains']),
    );
  });

  it('describes the responses of the core resources (tenants, connections, tokens, dead letters, probes)', () => {
    const schemaOf = (path: string, method: string, code: string) =>
      doc.paths[path][method].responses[code]?.content?.['application/json']?.schema.$ref;
    expect(schemaOf('/admin/v1/tenants', 'post', '201')).toBe('#/components/schemas/Tenant');
    expect(schemaOf('/admin/v1/scim-connections/{connectionId}', 'get', '200')).toBe(
      '#/components/schemas/ScimConnectionDetail',
    );
    expect(schemaOf('/admin/v1/scim-connections/{connectionId}/tokens', 'post', '201')).toBe(
      '#/components/schemas/IssuedScimToken',
    );
    expect(schemaOf('/admin/v1/outbox/dead-letters', 'get', '200')).toBe('#/components/schemas/DeadLetterPage');
    expect(schemaOf('/health/ready', 'get', '200')).toBe('#/components/schemas/Readiness');
    expect(Object.keys(doc.components.schemas.Tenant.properties!)).toEqual(
      expect.arrayContaining(['id', 'name', 'ssoDomains', 'createdAt']),
    );
  });

  it('response schemas name exactly the fields the API returns', async () => {
    const tenant = await t.admin.post('/admin/v1/tenants', { name: 'Docs', ssoDomains: ['docs.example'] });
    const conn = await t.admin.post(`/admin/v1/tenants/${tenant.body.id}/scim-connections`, { name: 'Entra' });
    const token = await t.admin.post(`/admin/v1/scim-connections/${conn.body.id}/tokens`, { name: 'prod' });
    const tokens = await t.admin.get(`/admin/v1/scim-connections/${conn.body.id}/tokens`);
    const detail = await t.admin.get(`/admin/v1/scim-connections/${conn.body.id}`);
    const required = (name: string) => [...(doc.components.schemas[name].required ?? [])].sort();
    expect(Object.keys(tenant.body).sort()).toEqual(required('Tenant'));
    expect(Object.keys(conn.body).sort()).toEqual(required('ScimConnection'));
    expect(Object.keys(token.body).sort()).toEqual(required('IssuedScimToken'));
    expect(Object.keys(tokens.body.items[0]).sort()).toEqual(required('ScimToken'));
    expect(Object.keys(detail.body).sort()).toEqual(
      [...required('ScimConnection'), 'lastRequestAt', 'last24h', 'lastSyncRun'].sort(),
    );
  });

  it('gives every admin, sessions and health route that answers with a body a response schema', () => {
    const problems: string[] = [];
    for (const r of routes().filter((x) => !x.path.startsWith('/scim/'))) {
      const responses = doc.paths[r.path][r.method].responses;
      const success = Object.keys(responses).filter((code) => code.startsWith('2'));
      if (success.length !== 1) {
        problems.push(`${r.key}: ${success.length} success responses`);
        continue;
      }
      const content = responses[success[0]].content;
      if (success[0] === '204') {
        if (content) problems.push(`${r.key}: 204 with content`);
        continue;
      }
      const ref = content?.['application/json']?.schema.$ref;
      const file = Object.values(content ?? {}).some((c) => c.schema.type === 'string');
      if (ref) {
        const schema = doc.components.schemas[ref.replace('#/components/schemas/', '')];
        if (!schema?.properties && !schema?.allOf) problems.push(`${r.key}: ${ref} is not a schema with properties`);
      } else if (!file) {
        problems.push(`${r.key}: no response schema for ${success[0]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('directory, members, sync, sessions, staged data and API keys: schemas name exactly the fields returned', async () => {
    const required = (name: string) => [...(doc.components.schemas[name].required ?? [])].sort();
    const keys = (body: unknown) => Object.keys(body as object).sort();
    const f = await createTenantWithConnection(t.admin);
    const scim = new ScimClient(t.baseUrl, f);
    const user = await scim.post('/Users', entraUser({ userName: `ada@${f.domain}` }, f.domain));
    const group = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Finance',
      members: [{ value: user.body.id }],
    });
    const base = `/admin/v1/tenants/${f.tenantId}`;
    const conn = `/admin/v1/scim-connections/${f.connectionId}`;
    const site = await t.admin.post(`${base}/sites`, { name: 'Oslo' });
    expect(keys(site.body)).toEqual(required('Site'));
    const internal = await t.admin.post(`${base}/groups`, {
      name: 'Aud',
      permissions: ['a.read'],
      siteIds: [site.body.id],
    });
    expect(keys(internal.body)).toEqual(required('InternalGroup'));
    const mappings = await t.admin.put(`${conn}/group-mappings`, {
      mappings: [{ scimGroup: { displayName: 'Finance' }, internalGroupId: internal.body.id }],
    });
    expect(keys(mappings.body)).toEqual(required('GroupMappings'));
    const mappingItem = doc.components.schemas.GroupMappings.properties!.mappings as { items: { required: string[] } };
    expect(keys(mappings.body.mappings[0])).toEqual([...mappingItem.items.required].sort());
    expect(keys((await t.admin.get('/admin/v1/sync-schedule')).body)).toEqual(required('SyncSchedule'));
    expect(keys((await t.admin.get(`${conn}/sync-preview`)).body)).toEqual(required('SyncPreview'));
    const run = await t.admin.post(`${conn}/sync-runs`, {});
    expect(run.status).toBe(202);
    expect(keys(run.body)).toEqual(required('SyncRun'));
    expect(keys(run.body.counts)).toEqual(required('SyncCounts'));
    await expectEventually(
      async () => expect((await t.admin.get(`/admin/v1/sync-runs/${run.body.id}`)).body.status).toBe('completed'),
      15_000,
      100,
    );
    const detail = await t.admin.get(`/admin/v1/sync-runs/${run.body.id}`);
    const detailExtra = doc.components.schemas.SyncRunDetail.allOf![1] as { required: string[] };
    expect(keys(detail.body)).toEqual([...required('SyncRun'), ...detailExtra.required].sort());
    expect(keys((await t.admin.get(`${conn}/sync-runs`)).body)).toEqual(required('SyncRunPage'));
    const members = await t.admin.get(`${base}/members`);
    expect(keys(members.body)).toEqual(required('MemberPage'));
    expect(keys(members.body.items[0])).toEqual(required('Member'));
    const manual = await t.admin.post(`${base}/members`, { email: `bob@${f.domain}` });
    expect(keys(manual.body)).toEqual(required('Member'));
    const session = await t.admin.post('/v1/sessions', { tenantId: f.tenantId, email: `bob@${f.domain}` });
    expect(keys(session.body)).toEqual(required('CreatedSession'));
    const introspection = await t.admin.post('/v1/sessions/introspect', { token: session.body.token });
    expect(keys(introspection.body)).toEqual(Object.keys(doc.components.schemas.Introspection.properties!).sort());
    const sessions = await t.admin.get(`${base}/members/${manual.body.accountId}/sessions`);
    expect(keys(sessions.body.items[0])).toEqual(required('MemberSession'));
    const staged = await t.admin.get(`${conn}/scim-users`);
    expect(keys(staged.body)).toEqual(required('StagedUserPage'));
    expect(keys(staged.body.items[0])).toEqual(required('StagedUser'));
    const stagedGroups = await t.admin.get(`${conn}/scim-groups`);
    expect(keys(stagedGroups.body.items[0])).toEqual(required('StagedGroup'));
    const groupMembers = await t.admin.get(`${conn}/scim-groups/${group.body.id}/members`);
    expect(keys(groupMembers.body)).toEqual(required('StagedGroupMembers'));
    const key = await t.admin.post('/admin/v1/api-keys', { name: 'docs', scope: 'admin' });
    expect(keys(key.body)).toEqual(required('IssuedApiKey'));
    const list = await t.admin.get('/admin/v1/api-keys');
    expect(keys(list.body.items[0])).toEqual(required('ApiKey'));
  });

  it('serves Swagger UI at /docs with its assets from Roster itself (no CDN), without a token', async () => {
    const html = await t.http.get('/docs');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.text).not.toMatch(/(src|href)=["']https?:\/\//);
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-init.js']) {
      const res = await t.http.get(`/docs/${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
    }
  });
});
