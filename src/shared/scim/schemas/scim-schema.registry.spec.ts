import { SCIM_SCHEMA } from '../scim.constants';
import { ScimSchemaRegistry } from './scim-schema.registry';

const ENTERPRISE = SCIM_SCHEMA.ENTERPRISE_USER;
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const SJ = 'urn:ietf:params:scim:schemas:extension:SJUserAttributes:2.0:User';

describe(ScimSchemaRegistry.name, () => {
  const registry = new ScimSchemaRegistry();

  describe('schema definitions (RFC 7643 §4, §8.7.1)', () => {
    const user = registry.schemasFor('User').core;
    const attr = (name: string) => user.attributes.find((a) => a.name === name);

    it('defines userName as required, server-unique and case-insensitive (idp-dialects #10)', () => {
      expect(attr('userName')).toMatchObject({
        type: 'string',
        required: true,
        caseExact: false,
        uniqueness: 'server',
        mutability: 'readWrite',
      });
    });

    it('defines id as readOnly, returned always, caseExact', () => {
      expect(attr('id')).toMatchObject({ mutability: 'readOnly', returned: 'always', caseExact: true });
    });

    it('defines password as writeOnly and never returned', () => {
      expect(attr('password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    });

    it('defines groups as readOnly', () => {
      expect(attr('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    });

    it.each([
      'name',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ])('defines the complex attribute %s with sub-attributes', (name) => {
      expect(attr(name)?.type).toBe('complex');
      expect(attr(name)?.subAttributes?.length).toBeGreaterThan(0);
    });

    it('defines the Group schema with a required displayName and members {value,$ref,type,display}', () => {
      const group = registry.schemasFor('Group').core;
      expect(group.attributes.find((a) => a.name === 'displayName')?.required).toBe(true);
      const members = group.attributes.find((a) => a.name === 'members');
      expect(members?.subAttributes?.map((s) => s.name)).toEqual(['value', '$ref', 'type', 'display']);
    });

    it('defines the enterprise manager as {value, $ref, displayName} with a readOnly displayName', () => {
      const manager = registry.schemasFor('User').extensions[0].attributes.find((a) => a.name === 'manager');
      expect(manager?.subAttributes?.map((s) => `${s.name}:${s.mutability}`)).toEqual([
        'value:readWrite',
        '$ref:readWrite',
        'displayName:readOnly',
      ]);
    });

    it('lists enterprise first, then the declared custom extensions, for User; none for Group', () => {
      expect(registry.schemasFor('User').extensions.map((e) => e.id)).toEqual([
        ENTERPRISE,
        'urn:ietf:params:scim:schemas:extension:roster:2.0:User',
        'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName',
        'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User',
        METADATA,
      ]);
      expect(registry.schemasFor('Group').extensions).toEqual([]);
    });

    it('returns every schema once for /Schemas, cores first', () => {
      const ids = registry.allSchemas().map((s) => s.id);
      expect(ids.slice(0, 2)).toEqual([SCIM_SCHEMA.USER, SCIM_SCHEMA.GROUP]);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain(METADATA);
    });
  });

  describe('resolve', () => {
    it('matches attribute names case-insensitively and returns the canonical def', () => {
      expect(registry.resolve('User', { attr: 'USERNAME' })).toMatchObject({
        schemaId: SCIM_SCHEMA.USER,
        def: { name: 'userName' },
        extension: false,
      });
      expect(registry.resolve('User', { attr: 'Name', subAttr: 'GivenName' })?.sub?.name).toBe('givenName');
    });

    it('searches core first, then the declared extensions, for un-prefixed paths', () => {
      expect(registry.resolve('User', { attr: 'employeeNumber' })).toMatchObject({
        schemaId: ENTERPRISE,
        extension: true,
      });
      expect(registry.resolve('User', { attr: 'manager', subAttr: 'value' })).toMatchObject({
        schemaId: ENTERPRISE,
        sub: { name: 'value' },
      });
      expect(registry.resolve('User', { attr: 'folders' })?.def.multiValued).toBe(true);
    });

    it('resolves URN-qualified core paths to the core attribute (idp-dialects #18)', () => {
      const r = registry.resolve('User', {
        schema: 'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER',
        attr: 'name',
        subAttr: 'familyName',
      });
      expect(r).toMatchObject({
        schemaId: SCIM_SCHEMA.USER,
        extension: false,
        def: { name: 'name' },
        sub: { name: 'familyName' },
      });
    });

    it('resolves URN-qualified extension paths case-insensitively on the URN', () => {
      const r = registry.resolve('User', { schema: ENTERPRISE.toUpperCase(), attr: 'EMPLOYEENUMBER' });
      expect(r).toMatchObject({ schemaId: ENTERPRISE, def: { name: 'employeeNumber' }, extension: true });
    });

    it("repairs Entra's legacy dot notation (urn:…:enterprise:2.0:User.department)", () => {
      // The parser splits on the last ':' → schema `…:enterprise:2.0`, attr `User`, subAttr `department`.
      const r = registry.resolve('User', {
        schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0',
        attr: 'User',
        subAttr: 'department',
      });
      expect(r).toMatchObject({ schemaId: ENTERPRISE, def: { name: 'department' } });
    });

    it('resolves any attribute of an undeclared extension URN to a synthetic string (open extension)', () => {
      const r = registry.resolve('User', { schema: SJ, attr: 'security_champion' });
      expect(r).toMatchObject({
        schemaId: SJ,
        extension: true,
        def: { name: 'security_champion', type: 'string', mutability: 'readWrite' },
      });
      expect(registry.isOpenExtension('User', SJ)).toBe(true);
    });

    it('resolves any attribute of the declared-open Metadata extension, keeping the name as sent', () => {
      expect(registry.resolve('User', { schema: METADATA, attr: 'CostCode' })).toMatchObject({
        schemaId: METADATA,
        def: { name: 'CostCode' },
      });
      expect(registry.isOpenExtension('User', METADATA)).toBe(true);
    });

    it('resolves an undeclared attribute of a declared extension as open; never invents core attributes', () => {
      expect(registry.resolve('User', { schema: ENTERPRISE, attr: 'shoeSize' })).toMatchObject({
        schemaId: ENTERPRISE,
        def: { name: 'shoeSize' },
        open: true,
      });
      expect(registry.resolve('User', { schema: ENTERPRISE, attr: 'manager', subAttr: 'nickname' })).toBeUndefined();
      expect(registry.resolve('User', { attr: 'shoeSize' })).toBeUndefined();
      expect(registry.resolveForWrite('User', { attr: 'shoeSize' })).toMatchObject({ open: true, extension: false });
      expect(registry.resolveForWrite('User', { attr: 'name', subAttr: 'nickname' })).toBeUndefined();
      expect(registry.resolve('User', { attr: 'name', subAttr: 'nickname' })).toBeUndefined();
      expect(registry.isOpenExtension('User', ENTERPRISE)).toBe(false);
    });

    it("rejects the other resource type's core attributes", () => {
      expect(registry.resolve('User', { attr: 'members' })).toBeUndefined();
      expect(registry.resolve('User', { schema: SCIM_SCHEMA.GROUP, attr: 'displayName' })).toBeUndefined();
      expect(registry.resolve('Group', { attr: 'userName' })).toBeUndefined();
      expect(registry.resolve('Group', { attr: 'employeeNumber' })).toBeUndefined();
    });
  });

  describe('isExtensionUrn', () => {
    it.each([ENTERPRISE, METADATA, SJ, 'urn:acme:scim:profile', `${METADATA}:costCode`])('is true for %s', (urn) => {
      expect(registry.isExtensionUrn(urn)).toBe(true);
    });

    it.each([
      SCIM_SCHEMA.USER,
      SCIM_SCHEMA.GROUP,
      `${SCIM_SCHEMA.USER}:name.givenName`,
      'urn:ietf:params:scim:api:messages:2.0:PatchOp',
      'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      'userName',
      'urn:',
    ])('is false for %s', (s) => {
      expect(registry.isExtensionUrn(s)).toBe(false);
    });
  });
});
