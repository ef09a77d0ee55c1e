import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCIM_MESSAGE, SCIM_SCHEMA } from '../../../../shared/scim/scim.constants';
import { ScimSchemaRegistry } from '../../../../shared/scim/schemas/scim-schema.registry';
import {
  buildResourceTypeDocument,
  buildResourceTypesList,
  buildSchemaDocument,
  buildSchemasList,
  buildServiceProviderConfig,
} from './scim-discovery.documents';

const BASE = 'https://roster.example.com/scim/v2/tenant-a/';
const registry = new ScimSchemaRegistry();

/** idp-dialects #2: Entra's schema discovery breaks on nulls — walk the whole document. */
function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  return [];
}

function attributesOf(doc: Record<string, unknown>): Array<Record<string, unknown>> {
  const walk = (attrs: unknown): Array<Record<string, unknown>> =>
    (attrs as Array<Record<string, unknown>>).flatMap((a) => [
      a,
      ...(a['subAttributes'] ? walk(a['subAttributes']) : []),
    ]);
  return walk(doc['attributes']);
}

describe('scim-discovery.documents', () => {
  describe(buildServiceProviderConfig.name, () => {
    const doc = buildServiceProviderConfig(BASE, { maxResults: 200, maxPayloadSize: 1_048_576 });

    it('describes the supported features (RFC 7643 §5)', () => {
      expect(doc).toEqual({
        schemas: [SCIM_SCHEMA.SERVICE_PROVIDER_CONFIG],
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 1_048_576 },
        filter: { supported: true, maxResults: 200 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        authenticationSchemes: [
          {
            type: 'oauthbearertoken',
            name: 'OAuth Bearer Token',
            description: expect.any(String),
            specUri: 'https://www.rfc-editor.org/info/rfc6750',
            primary: true,
          },
        ],
        meta: {
          resourceType: 'ServiceProviderConfig',
          location: 'https://roster.example.com/scim/v2/tenant-a/ServiceProviderConfig',
        },
      });
    });

    it('has no nulls and includes documentationUri only when given', () => {
      expect(nullPaths(doc)).toEqual([]);
      expect(doc).not.toHaveProperty('documentationUri');
      expect(
        buildServiceProviderConfig(BASE, { maxResults: 1, maxPayloadSize: 1, documentationUri: 'https://docs' })[
          'documentationUri'
        ],
      ).toBe('https://docs');
    });
  });

  describe(buildResourceTypesList.name, () => {
    const list = buildResourceTypesList(BASE, { registry });
    const resources = list['Resources'] as Array<Record<string, unknown>>;

    it('is a ListResponse with integer counts, User first then Group', () => {
      expect(list).toMatchObject({
        schemas: [SCIM_MESSAGE.LIST_RESPONSE],
        totalResults: 2,
        startIndex: 1,
        itemsPerPage: 2,
      });
      expect(resources.map((r) => r['id'])).toEqual(['User', 'Group']);
      expect(nullPaths(list)).toEqual([]);
    });

    it('lists enterprise and the declared custom extensions as optional User extensions', () => {
      expect(resources[0]).toEqual({
        schemas: [SCIM_SCHEMA.RESOURCE_TYPE],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: SCIM_SCHEMA.USER,
        schemaExtensions: [
          { schema: SCIM_SCHEMA.ENTERPRISE_USER, required: false },
          { schema: 'urn:ietf:params:scim:schemas:extension:roster:2.0:User', required: false },
          { schema: 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName', required: false },
          { schema: 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User', required: false },
          { schema: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata', required: false },
        ],
        meta: {
          resourceType: 'ResourceType',
          location: 'https://roster.example.com/scim/v2/tenant-a/ResourceTypes/User',
        },
      });
      expect(resources[1]).toMatchObject({
        id: 'Group',
        endpoint: '/Groups',
        schema: SCIM_SCHEMA.GROUP,
        meta: { location: 'https://roster.example.com/scim/v2/tenant-a/ResourceTypes/Group' },
      });
      expect(resources[1]).not.toHaveProperty('schemaExtensions');
    });

    it('builds a single resource type document', () => {
      expect(buildResourceTypeDocument(BASE, { registry, name: 'Group' })).toEqual(resources[1]);
    });
  });

  describe(buildSchemasList.name, () => {
    const list = buildSchemasList(BASE, { registry });
    const resources = list['Resources'] as Array<Record<string, unknown>>;

    it('is a ListResponse of every schema of the registry (idp-dialects #2)', () => {
      expect(list).toMatchObject({
        schemas: [SCIM_MESSAGE.LIST_RESPONSE],
        totalResults: resources.length,
        startIndex: 1,
        itemsPerPage: resources.length,
      });
      expect(resources.map((r) => r['id'])).toEqual(registry.allSchemas().map((s) => s.id));
      for (const r of resources) {
        expect(r['schemas']).toEqual([SCIM_SCHEMA.SCHEMA]);
        expect(r['meta']).toEqual({
          resourceType: 'Schema',
          location: `https://roster.example.com/scim/v2/tenant-a/Schemas/${String(r['id'])}`,
        });
      }
    });

    it('contains no null anywhere', () => {
      expect(nullPaths(list)).toEqual([]);
    });

    it('entra/get-schemas-discovery — answers the recorded Entra schema-discovery request (idp-dialects #2)', () => {
      const fixture = JSON.parse(
        readFileSync(join(__dirname, '../../../../../test/fixtures/scim/entra/get-schemas-discovery.json'), 'utf8'),
      ) as {
        quirk: string;
        method: string;
        path: string;
        expectStatus: number;
      };
      expect(fixture).toMatchObject({ method: 'GET', path: '/Schemas', expectStatus: 200 });
      const doc = buildSchemasList(BASE, { registry });
      expect(doc['schemas']).toEqual([SCIM_MESSAGE.LIST_RESPONSE]);
      expect(nullPaths(doc)).toEqual([]);
      expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    });

    it('uses camelCase property values and the RFC 7643 §7 characteristics on every attribute', () => {
      for (const schema of resources) {
        for (const attr of attributesOf(schema)) {
          expect(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary']).toContain(
            attr['type'],
          );
          expect(['readOnly', 'readWrite', 'immutable', 'writeOnly']).toContain(attr['mutability']);
          expect(['always', 'never', 'default', 'request']).toContain(attr['returned']);
          expect(['none', 'server', 'global']).toContain(attr['uniqueness']);
          for (const key of ['multiValued', 'required', 'caseExact']) expect(typeof attr[key]).toBe('boolean');
          expect(typeof attr['description']).toBe('string');
        }
      }
    });

    it('publishes userName as required, server-unique and case-insensitive', () => {
      const user = resources.find((r) => r['id'] === SCIM_SCHEMA.USER) as Record<string, unknown>;
      expect(attributesOf(user).find((a) => a['name'] === 'userName')).toMatchObject({
        required: true,
        caseExact: false,
        uniqueness: 'server',
      });
    });

    it('returns one schema by id, case-insensitively, or undefined', () => {
      expect(buildSchemaDocument(BASE, { registry, id: SCIM_SCHEMA.ENTERPRISE_USER.toLowerCase() })?.['id']).toBe(
        SCIM_SCHEMA.ENTERPRISE_USER,
      );
      expect(buildSchemaDocument(BASE, { registry, id: 'urn:nope' })).toBeUndefined();
    });
  });
});
