import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { ScimClient } from '../../utils/scim-client';
import {
  expectScimContentType,
  expectScimError,
  expectStatus,
  LIST_RESPONSE_URN,
  nullPaths,
} from '../../utils/scim-expect';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER_USER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const CUSTOM_EXTENSION_NAME = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
const CUSTOM_EXTENSION_NAME_USER = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const USER_EXTENSIONS = [ENTERPRISE, ROSTER_USER, CUSTOM_EXTENSION_NAME, CUSTOM_EXTENSION_NAME_USER, METADATA];
const ALL_SCHEMAS = [CORE_USER, CORE_GROUP, ...USER_EXTENSIONS];

// Not the defaults, so the advertised limits are shown to come from configuration.
const MAX_BODY_BYTES = 1_234_567;
const MAX_RESULTS = 250;

const DISCOVERY_PATHS = [
  '/ServiceProviderConfig',
  '/ResourceTypes',
  '/ResourceTypes/User',
  '/ResourceTypes/Group',
  '/Schemas',
  ...ALL_SCHEMAS.map((id) => `/Schemas/${id}`),
];

describe('SCIM discovery (RFC 7643 §5–§7, RFC 7644 §4)', () => {
  let t: TestApp;
  let f: TenantFixture;
  let scim: ScimClient;

  beforeAll(async () => {
    t = await createTestApp({ SCIM_MAX_BODY_BYTES: String(MAX_BODY_BYTES), SCIM_MAX_RESULTS: String(MAX_RESULTS) });
    f = await createTenantWithConnection(t.admin);
    scim = new ScimClient(t.baseUrl, f);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('ServiceProviderConfig', () => {
    it('advertises patch, filter, sort and etag as supported', async () => {
      const res = await scim.get('/ServiceProviderConfig');
      expectStatus(res, 200);
      expect(res.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
      expect(res.body.patch).toEqual({ supported: true });
      expect(res.body.filter.supported).toBe(true);
      expect(res.body.sort).toEqual({ supported: true });
      expect(res.body.etag).toEqual({ supported: true });
      expect(res.body.changePassword).toEqual({ supported: expect.any(Boolean) });
    });

    it('advertises bulk.maxPayloadSize = SCIM_MAX_BODY_BYTES and filter.maxResults = SCIM_MAX_RESULTS', async () => {
      const res = await scim.get('/ServiceProviderConfig');
      // RFC 7643 §5: bulk carries maxOperations and maxPayloadSize even when bulk is unsupported.
      expect(res.body.bulk).toMatchObject({
        supported: expect.any(Boolean),
        maxOperations: expect.any(Number),
        maxPayloadSize: MAX_BODY_BYTES,
      });
      expect(res.body.filter.maxResults).toBe(MAX_RESULTS);
    });

    it('lists the OAuth bearer token authentication scheme', async () => {
      const res = await scim.get('/ServiceProviderConfig');
      expect(res.body.authenticationSchemes).toEqual([
        expect.objectContaining({
          type: 'oauthbearertoken',
          name: expect.any(String),
          description: expect.any(String),
        }),
      ]);
    });

    it('carries meta.location under the connection Tenant URL', async () => {
      const res = await scim.get('/ServiceProviderConfig');
      expect(res.body.meta).toEqual({
        resourceType: 'ServiceProviderConfig',
        location: `${f.tenantUrl}/ServiceProviderConfig`,
      });
    });
  });

  describe('ResourceTypes', () => {
    it('answers a ListResponse with User first, then Group', async () => {
      const res = await scim.get('/ResourceTypes');
      expectStatus(res, 200);
      expect(res.body.schemas).toEqual([LIST_RESPONSE_URN]);
      expect(res.body.totalResults).toBe(2);
      expect(res.body.itemsPerPage).toBe(2);
      expect(res.body.startIndex).toBe(1);
      expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    });

    it('declares the enterprise and custom extensions on User, each optional', async () => {
      const res = await scim.get('/ResourceTypes');
      const [user, group] = res.body.Resources;
      expect(user).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: CORE_USER,
      });
      expect(user.schemaExtensions).toEqual(USER_EXTENSIONS.map((schema) => ({ schema, required: false })));
      expect(group).toMatchObject({ id: 'Group', name: 'Group', endpoint: '/Groups', schema: CORE_GROUP });
      // RFC 7643 §6: schemaExtensions is optional — omitted rather than null or [] when there are none.
      expect(group.schemaExtensions ?? []).toEqual([]);
    });

    it('serves ResourceTypes/User as the same document as in the list', async () => {
      const [list, one] = await Promise.all([scim.get('/ResourceTypes'), scim.get('/ResourceTypes/User')]);
      expectStatus(one, 200);
      expect(one.body).toEqual(list.body.Resources[0]);
      expect(one.body.meta).toEqual({ resourceType: 'ResourceType', location: `${f.tenantUrl}/ResourceTypes/User` });
    });

    it('serves ResourceTypes/Group', async () => {
      const res = await scim.get('/ResourceTypes/Group');
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ id: 'Group', endpoint: '/Groups', schema: CORE_GROUP });
    });

    it('answers 404 with a SCIM error for an unknown resource type', async () => {
      expectScimError(await scim.get('/ResourceTypes/Device'), 404);
    });
  });

  describe('Schemas', () => {
    it('answers a ListResponse holding core User, Group, Enterprise User and the custom extensions', async () => {
      const res = await scim.get('/Schemas');
      expectStatus(res, 200);
      expect(res.body.schemas).toEqual([LIST_RESPONSE_URN]);
      const ids = res.body.Resources.map((s: { id: string }) => s.id);
      expect(ids).toEqual(expect.arrayContaining(ALL_SCHEMAS));
      expect(res.body.totalResults).toBe(ids.length);
      expect(res.body.itemsPerPage).toBe(ids.length);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it.each(ALL_SCHEMAS)('serves Schemas/%s as the same document as in the list', async (id) => {
      const [list, one] = await Promise.all([scim.get('/Schemas'), scim.get(`/Schemas/${id}`)]);
      expectStatus(one, 200);
      expect(one.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
      expect(one.body.id).toBe(id);
      expect(one.body.meta).toEqual({ resourceType: 'Schema', location: `${f.tenantUrl}/Schemas/${id}` });
      expect(one.body).toEqual(list.body.Resources.find((s: { id: string }) => s.id === id));
    });

    it('describes userName as required, case-insensitive and server-unique (RFC 7643 §4.1.1)', async () => {
      const res = await scim.get(`/Schemas/${CORE_USER}`);
      const userName = res.body.attributes.find((a: { name: string }) => a.name === 'userName');
      expect(userName).toMatchObject({
        type: 'string',
        multiValued: false,
        required: true,
        caseExact: false,
        uniqueness: 'server',
      });
    });

    it('describes id, meta and groups as readOnly', async () => {
      const res = await scim.get(`/Schemas/${CORE_USER}`);
      const byName = (n: string) => res.body.attributes.find((a: { name: string }) => a.name === n);
      expect(byName('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
      for (const name of ['id', 'meta']) {
        const attr = byName(name);
        if (attr) expect(attr.mutability).toBe('readOnly');
      }
    });

    it('describes the roster extension attributes with their types', async () => {
      const res = await scim.get(`/Schemas/${ROSTER_USER}`);
      const types = Object.fromEntries(
        res.body.attributes.map((a: { name: string; type: string }) => [a.name, a.type]),
      );
      expect(types).toMatchObject({ job_role: 'string', company: 'string', security_champion: 'boolean' });
    });

    it('describes CustomExtensionName folders as multi-valued', async () => {
      const res = await scim.get(`/Schemas/${CUSTOM_EXTENSION_NAME}`);
      expect(res.body.attributes.find((a: { name: string }) => a.name === 'folders')).toMatchObject({
        type: 'string',
        multiValued: true,
      });
    });

    it('answers 404 with a SCIM error for an unknown schema', async () => {
      expectScimError(await scim.get('/Schemas/urn:ietf:params:scim:schemas:extension:nope:2.0:User'), 404);
    });
  });

  describe('every discovery document', () => {
    it.each(DISCOVERY_PATHS)('%s holds no null anywhere (Entra rejects nulls in discovery)', async (path) => {
      const res = await scim.get(path);
      expectStatus(res, 200);
      expect(nullPaths(res.body)).toEqual([]);
    });

    it.each(DISCOVERY_PATHS)('%s is served as application/scim+json', async (path) => {
      const res = await scim.get(path);
      expectStatus(res, 200);
      expectScimContentType(res);
    });

    it('answers discovery endpoints whatever the case of their names', async () => {
      for (const path of ['/serviceproviderconfig', '/resourcetypes', '/SCHEMAS', `/schemas/${CORE_GROUP}`]) {
        const res = await scim.get(path);
        expectStatus(res, 200);
        expectScimContentType(res);
      }
    });

    it('refuses discovery without the connection token with a SCIM 401', async () => {
      const res = await t.http.get(`/scim/v2/${f.connectionId}/Schemas`);
      expectScimError(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });
  });
});
