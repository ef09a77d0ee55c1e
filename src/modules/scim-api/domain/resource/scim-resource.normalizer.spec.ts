// Recorded IdP requests (test/fixtures/scim/<idp>/*.json), placeholders substituted.
import { loadFixturesForUnitSpecs, UNIT_FIXTURE_IDS, type ScimFixture } from '../../../../../test/utils/scim-fixtures';
import { replaceNode, scimErrorOf, SPEC_URNS } from '../../../../../test/utils/scim-unit-spec';
import fc from 'fast-check';
import { ScimError } from '../../../../shared/scim/scim-error';
import { scimAttribute } from '../../../../shared/scim/schemas/scim-attribute.factory';
import { ENTERPRISE_USER_SCHEMA } from '../../../../shared/scim/schemas/enterprise-user.schema';
import { ScimSchemaRegistry } from '../../../../shared/scim/schemas/scim-schema.registry';
import {
  normalizeGroupInput,
  normalizeUserInput,
  type NormalizedGroupInput,
  type NormalizedUserInput,
} from './scim-resource.normalizer';

const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';

const { USER, GROUP, ENT, META, CEN, CENU, SJ } = SPEC_URNS;
const registry = new ScimSchemaRegistry();

function expectNoNulls(value: unknown, path = '$'): void {
  expect([path, value]).not.toEqual([path, null]);
  if (Array.isArray(value)) value.forEach((v, i) => expectNoNulls(v, `${path}[${i}]`));
  else if (typeof value === 'object' && value !== null)
    Object.entries(value).forEach(([k, v]) => expectNoNulls(v, `${path}.${k}`));
}

describe('scim-resource.normalizer', () => {
  describe('fixture files', () => {
    it.each(loadFixturesForUnitSpecs().map(([name, f]) => [name, f] as const))(
      '%s is a well-formed recorded request',
      (_name, f) => {
        expect(f.quirk).toMatch(/^(#\d+(\/#\d+)*|2\.\d+) \S/);
        expect(f.source).toMatch(/^https:\/\//);
        expect(['POST', 'PUT', 'PATCH', 'GET']).toContain(f.method);
        expect(f.path).toMatch(/^\/(Users|Groups|Schemas)/);
        expect([200, 201, 204, 400]).toContain(f.expectStatus);
        if (f.method === 'GET') expect(f.body).toBeNull();
        else expect(typeof f.body).toBe('object');
        expect(JSON.stringify(f)).not.toMatch(/\{(userId|groupId|memberId|managerId)\}/);
      },
    );
  });

  describe('recorded IdP requests — one per quirk', () => {
    const user = (f: ScimFixture): NormalizedUserInput => normalizeUserInput(f.body, registry);
    const group = (f: ScimFixture): NormalizedGroupInput => normalizeGroupInput(f.body, registry);

    const expectations: Record<string, (f: ScimFixture) => void> = {
      'entra/post-user-enterprise-nulls-roles-meta': (f) => {
        const r = user(f);
        expect(r.resource).toEqual({
          schemas: [USER, ENT],
          externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
          userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
          name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
          displayName: 'givenName familyName',
          active: true,
          emails: [
            { value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com', type: 'work', primary: true },
          ],
          [ENT]: { employeeNumber: '701984', department: 'Tour Operations' },
        });
        expect(r.primaryEmail).toBe('test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com');
        expectNoNulls(r.resource);
      },
      'entra/post-user-legacy-top-level-nulls': (f) => {
        const r = user(f);
        // The typo'd schemas entry is not echoed; nothing of the enterprise extension is present.
        expect(r.resource['schemas']).toEqual([USER]);
        expect(r.resource).not.toHaveProperty('department');
        expect(r.resource).not.toHaveProperty(ENT);
        expect(r).toMatchObject({
          userName: 'jyoung@testuser.com',
          externalId: 'jyoung',
          displayName: 'Joy Young',
          emails: ['jyoung@contoso.com'],
        });
        // MS-SCIM: values are stored as sent — only the derived `emails` list is lower-cased.
        expect((r.resource['emails'] as Array<{ value: string }>)[0].value).toBe('jyoung@Contoso.com');
        expectNoNulls(r.resource);
      },
      'entra/post-user-manager-bare-string': (f) => {
        const r = user(f);
        expect(r.resource[ENT]).toEqual({ manager: { value: UNIT_FIXTURE_IDS['managerId'] } });
        expect(r.resource[CENU]).toEqual({ tag: '701984' });
        expect(r.resource['schemas']).toEqual([USER, ENT, CENU]);
        expect(r.resource).not.toHaveProperty('id');
        expect(r.resource).not.toHaveProperty('meta');
      },
      'entra/post-user-roles-primary-string': (f) => {
        const r = user(f);
        expect(r.active).toBe(true);
        expect(r.resource['roles']).toEqual([
          { value: 'Admin', display: 'Admin', type: 'WindowsAzureActiveDirectoryRole', primary: false },
          { value: 'User', display: 'User', type: 'WindowsAzureActiveDirectoryRole', primary: false },
        ]);
      },
      'entra/post-user-duplicate-work-emails': (f) => {
        expect(user(f).resource['emails']).toEqual([
          { type: 'work', value: 'a@testuser.com', primary: true },
          { type: 'work', value: 'b@testuser.com' },
        ]);
      },
      'entra/post-user-two-primary-emails': (f) => {
        const error = scimErrorOf(() => user(f));
        expect(error).toMatchObject({ status: f.expectStatus, scimType: 'invalidValue' });
        expect(error.message).toMatch(/primary/);
      },
      'entra/post-user-custom-extension-undeclared-keys': (f) => {
        const tag = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
        expect(user(f).resource[tag]).toEqual({
          tag: '701984',
          folders: ['Folder 1', 'Folder 2'],
          nested: { level: 2 },
        });
      },
      'okta/post-user-core-namespace-custom-attributes': (f) => {
        expect(user(f).resource).toMatchObject({ isAdmin: true, nickCode: 'CC-42', badges: ['gold', 'silver'] });
      },
      'entra/post-user-manager-unknown': (f) => {
        // The normaliser keeps the reference; the use case checks it against the connection (e2e).
        expect(user(f).resource[ENT]).toEqual({
          department: 'Sales',
          manager: { value: '0d3e4c52-9a51-4d6b-8f3a-5b1c2d3e4f50' },
        });
      },
      'entra/post-group-unknown-members': (f) => {
        expect(group(f).members.map((m) => m.value)).toEqual([
          UNIT_FIXTURE_IDS.memberId,
          '0d3e4c52-9a51-4d6b-8f3a-5b1c2d3e4f50',
        ]);
      },
      'entra/put-group-unknown-members': (f) => {
        expect(group(f)).toMatchObject({ displayName: 'Replaced Group' });
        expect(group(f).members.map((m) => m.value)).toEqual([
          UNIT_FIXTURE_IDS.memberId,
          '0d3e4c52-9a51-4d6b-8f3a-5b1c2d3e4f50',
        ]);
      },
      'entra/post-group-ms-extra-schema': (f) => {
        const r = group(f);
        expect(r).toEqual({
          resource: {
            schemas: [GROUP],
            externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
            displayName: 'displayName',
          },
          displayName: 'displayName',
          externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
          members: [],
        });
      },
      'entra/post-user-custom-extensions-nested': (f) => {
        const r = user(f);
        expect(r.resource[CEN]).toEqual({ folders: ['3f0c9a52-1111-4a9e-9c1e-000000000001', 'Folder 2'] });
        // Open extension: key case and JSON types kept (number stays a number).
        expect(r.resource[META]).toEqual({ costCode: 'CC-1200', Region: 'EMEA', buildingFloor: 3 });
        expect(r.resource[CENU]).toEqual({ tag: '701984' });
        expect(r.resource['schemas']).toEqual([USER, CEN, CENU, META]);
      },
      'entra/post-user-metadata-flat-urn-key': (f) => {
        const r = user(f);
        expect(r.resource).toEqual({
          schemas: [USER, CEN, CENU, META],
          userName: 'flat.keys@testuser.com',
          active: true,
          [CEN]: { folders: ['Folder 9'] },
          [CENU]: { tag: 'blue' },
          [META]: { costCode: 'CC-7' },
        });
        expect(Object.keys(r.resource).some((k) => k.endsWith(':costCode'))).toBe(false);
      },
      'entra/post-user-sj-user-attributes': (f) => {
        const r = user(f);
        expect(r.resource[SJ]).toEqual({
          job_role: 'Member',
          company: 'Contoso',
          business_unit: 'CC-4130',
          team_name: 'Platform',
          security_champion: false,
        });
        expect(r.resource[ENT]).toEqual({ employeeNumber: '42', department: 'R&D' });
        expect(r.resource['schemas']).toEqual([USER, ENT, SJ]);
      },
      'entra/post-user-roster-extension-string-boolean': (f) => {
        const r = user(f);
        expect(r.resource[ROSTER]).toEqual({
          job_role: 'Member',
          company: 'Contoso',
          business_unit: 'CC-4130',
          team_name: 'Platform',
          security_champion: true,
        });
        expect(r.active).toBe(true);
      },
      'okta/post-user-password-groups': (f) => {
        const r = user(f);
        expect(r.resource).not.toHaveProperty('password');
        expect(r.resource).not.toHaveProperty('groups');
        expect(JSON.stringify(r)).not.toContain('1mz050nq');
        expect(r).toMatchObject({
          userName: 'test.user@okta.local',
          externalId: '00ujl29u0le5T6Aj10h7',
          active: true,
          primaryEmail: 'test.user@okta.local',
        });
        expect(r.resource['locale']).toBe('en-US');
      },
      'okta/put-user-full-object': (f) => {
        const r = user(f);
        expect(r.resource).not.toHaveProperty('id');
        expect(r.resource).not.toHaveProperty('meta');
        expect(r.resource).not.toHaveProperty('password');
        expect(r.resource['name']).toEqual({ givenName: 'Another', familyName: 'User' });
      },
      'okta/put-user-deactivate': (f) => {
        const r = user(f);
        expect(r.active).toBe(false);
        expect(r.resource['active']).toBe(false);
      },
      'okta/post-group-empty-members': (f) => {
        expect(group(f)).toEqual({
          resource: { schemas: [GROUP], displayName: 'Test SCIMv2' },
          displayName: 'Test SCIMv2',
          members: [],
        });
      },
    };

    const fixtures = loadFixturesForUnitSpecs().filter(([, f]) => f.method === 'POST' || f.method === 'PUT');
    it.each(fixtures.map(([name, f]) => [`${name} — ${f.quirk}`, name, f] as const))('%s', (_title, name, f) => {
      const check = expectations[name];
      if (!check) throw new Error(`no expectation for fixture ${name}`);
      check(f);
    });
  });

  describe('normalizeUserInput', () => {
    it.each([null, [], 'userName', 42, true])(
      'rejects a body that is not a JSON object (%p) with invalidSyntax',
      (body) => {
        expect(scimErrorOf(() => normalizeUserInput(body, registry))).toMatchObject({
          status: 400,
          scimType: 'invalidSyntax',
        });
      },
    );

    it.each([{}, { userName: '' }, { userName: '   ' }, { userName: null }, { userName: {} }])(
      'requires a non-empty userName (%p)',
      (body) => {
        const error = scimErrorOf(() => normalizeUserInput(body, registry));
        expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
        expect(error.message).toContain("'userName'");
      },
    );

    it('stores canonical attribute-name case whatever the client sent', () => {
      const r = normalizeUserInput(
        {
          USERNAME: 'a@b.c',
          'Name.GivenName': 'Ann',
          NAME: { FamilyName: 'Lee' },
          Emails: [{ Value: 'A@B.C', TYPE: 'work' }],
        },
        registry,
      );
      expect(r.resource).toEqual({
        schemas: [USER],
        userName: 'a@b.c',
        name: { givenName: 'Ann', familyName: 'Lee' },
        active: true,
        emails: [{ value: 'A@B.C', type: 'work' }],
      });
    });

    it('accepts extension URN keys in any case and stores them under the canonical URN', () => {
      const r = normalizeUserInput({ userName: 'x', [ENT.toUpperCase()]: { EmployeeNumber: '7' } }, registry);
      expect(r.resource[ENT]).toEqual({ employeeNumber: '7' });
    });

    it('routes a top-level name that only the enterprise extension defines to that extension', () => {
      expect(normalizeUserInput({ userName: 'x', employeeNumber: '9' }, registry).resource[ENT]).toEqual({
        employeeNumber: '9',
      });
    });

    it('keeps unknown core attributes and unknown sub-attributes as sent (never a silent drop, issue #16)', () => {
      const r = normalizeUserInput(
        { userName: 'x', shoeSize: 44, isAdmin: { level: 2 }, name: { givenName: 'A', nickname: 'B' } },
        registry,
      );
      expect(r.resource).toEqual({
        schemas: [USER],
        userName: 'x',
        name: { givenName: 'A', nickname: 'B' },
        active: true,
        shoeSize: 44,
        isAdmin: { level: 2 },
      });
    });

    it('refuses a dotted key naming an unknown sub-attribute of a declared attribute, naming it', () => {
      for (const key of ['name.nickname', 'emails.value']) {
        const error = scimErrorOf(() => normalizeUserInput({ userName: 'x', [key]: 'v' }, registry));
        expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
        expect(error.message).toContain(key);
      }
    });

    it.each([
      ['True', true],
      ['False', false],
      ['true', true],
      ['false', false],
      ['TRUE', true],
      [true, true],
      [false, false],
    ])('accepts %p for the boolean active (idp-dialects #15)', (value, expected) => {
      expect(normalizeUserInput({ userName: 'x', active: value }, registry).active).toBe(expected);
    });

    it.each(['yes', 1, 0, 'no', '', {}, []])(
      'rejects %p for a boolean with invalidValue naming the attribute',
      (value) => {
        const error = scimErrorOf(() => normalizeUserInput({ userName: 'x', active: value }, registry));
        expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
        expect(error.message).toContain("'active'");
      },
    );

    it('tolerates whitespace around a boolean string', () => {
      expect(normalizeUserInput({ userName: 'x', active: ' False ' }, registry).active).toBe(false);
    });

    it('defaults active to true and drops explicit nulls everywhere (idp-dialects #11)', () => {
      const r = normalizeUserInput(
        {
          userName: 'x',
          active: null,
          name: { givenName: null, familyName: 'F' },
          emails: [null, { value: 'a@b', type: null }],
        },
        registry,
      );
      expect(r.resource).toEqual({
        schemas: [USER],
        userName: 'x',
        name: { familyName: 'F' },
        active: true,
        emails: [{ value: 'a@b' }],
      });
    });

    it('wraps a single object given for a multi-valued attribute, and a bare string into {value}', () => {
      expect(
        normalizeUserInput({ userName: 'x', emails: { value: 'a@b', type: 'work' } }, registry).resource['emails'],
      ).toEqual([{ value: 'a@b', type: 'work' }]);
      expect(normalizeUserInput({ userName: 'x', emails: ['a@b'] }, registry).resource['emails']).toEqual([
        { value: 'a@b' },
      ]);
    });

    it('collapses identical values of a multi-valued attribute', () => {
      const r = normalizeUserInput(
        {
          userName: 'x',
          emails: [
            { value: 'a@b', type: 'home' },
            { value: 'a@b', type: 'home' },
          ],
        },
        registry,
      );
      expect(r.resource['emails']).toEqual([{ value: 'a@b', type: 'home' }]);
    });

    it('rejects two values with primary true (RFC 7643 §2.4)', () => {
      const body = {
        userName: 'x',
        phoneNumbers: [
          { value: '1', primary: true },
          { value: '2', primary: 'True' },
        ],
      };
      expect(scimErrorOf(() => normalizeUserInput(body, registry))).toMatchObject({ scimType: 'invalidValue' });
    });

    it('accepts repeated type values as sent (Microsoft reference tests, issue #16) but not two primaries', () => {
      const addresses = [{ type: 'work' }, { type: 'Work', country: 'NL' }];
      expect(normalizeUserInput({ userName: 'x', addresses }, registry).resource['addresses']).toEqual(addresses);
      const emails = [
        { value: 'a@x', type: 'work', primary: true },
        { value: 'b@x', type: 'work', primary: true },
      ];
      expect(scimErrorOf(() => normalizeUserInput({ userName: 'x', emails }, registry)).scimType).toBe('invalidValue');
    });

    it('refuses more values than SCIM_MAX_MULTI_VALUED in one attribute, naming it', () => {
      const small = new ScimSchemaRegistry({ maxMultiValued: 3 });
      const emails = ['a@x', 'b@x', 'c@x', 'd@x'].map((value) => ({ value }));
      const error = scimErrorOf(() => normalizeUserInput({ userName: 'x', emails }, small));
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(error.message).toContain("'emails'");
      expect(normalizeUserInput({ userName: 'x', emails: emails.slice(0, 3) }, small).resource['emails']).toHaveLength(
        3,
      );
      expect(
        scimErrorOf(() => normalizeUserInput({ userName: 'x', 'urn:acme:x': { list: [1, 2, 3, 4] } }, small)).message,
      ).toContain('urn:acme:x');
    });

    it('collapses equal values by key, honouring caseExact, linearly', () => {
      const emails = [
        { value: 'A@x' },
        { value: 'a@X' },
        { value: 'b@x', type: 'work' },
        { type: 'work', value: 'B@X' },
      ];
      expect(normalizeUserInput({ userName: 'x', emails }, registry).resource['emails']).toEqual([
        { value: 'A@x' },
        { value: 'b@x', type: 'work' },
      ]);
    });

    it('stores numbers and booleans given for strings as their JSON text, rejects objects', () => {
      const r = normalizeUserInput(
        { userName: 12345, title: 7, nickName: false, [ENT]: { employeeNumber: 42 } },
        registry,
      );
      expect(r.resource).toMatchObject({
        userName: '12345',
        title: '7',
        nickName: 'false',
        [ENT]: { employeeNumber: '42' },
      });
      expect(scimErrorOf(() => normalizeUserInput({ userName: 'x', title: { a: 1 } }, registry))).toMatchObject({
        scimType: 'invalidValue',
      });
      expect(scimErrorOf(() => normalizeUserInput({ userName: 'x', title: ['a', 'b'] }, registry))).toMatchObject({
        scimType: 'invalidValue',
      });
    });

    it('unwraps Microsoft\'s legacy [{"$ref":null,"value":…}] wrapper on simple attributes', () => {
      expect(
        normalizeUserInput({ userName: 'x', displayName: [{ $ref: null, value: 'User X' }] }, registry).displayName,
      ).toBe('User X');
    });

    it('ignores readOnly attributes and sub-attributes, and the server-derived manager $ref', () => {
      const body = {
        userName: 'x',
        id: 'client-id',
        groups: [{ value: 'g1' }],
        meta: { created: '2020-01-01T00:00:00Z' },
        [ENT]: { manager: { value: 'm1', displayName: 'Boss', $ref: 'https://idp/Users/m1' } },
      };
      expect(normalizeUserInput(body, registry).resource).toEqual({
        schemas: [USER, ENT],
        userName: 'x',
        active: true,
        [ENT]: { manager: { value: 'm1' } },
      });
    });

    it('picks the primary email, else the first one, lower-cased', () => {
      const r = normalizeUserInput(
        {
          userName: 'x',
          emails: [
            { value: 'Home@X.io', type: 'home' },
            { value: 'Work@X.io', type: 'work', primary: true },
          ],
        },
        registry,
      );
      expect(r).toMatchObject({ emails: ['home@x.io', 'work@x.io'], primaryEmail: 'work@x.io' });
      expect(normalizeUserInput({ userName: 'x', emails: [{ value: 'First@X.io' }] }, registry).primaryEmail).toBe(
        'first@x.io',
      );
      expect(normalizeUserInput({ userName: 'x' }, registry)).not.toHaveProperty('primaryEmail');
    });

    it('requires schemas, when present, to be an array of strings', () => {
      expect(scimErrorOf(() => normalizeUserInput({ userName: 'x', schemas: USER }, registry)).scimType).toBe(
        'invalidSyntax',
      );
      expect(scimErrorOf(() => normalizeUserInput({ userName: 'x', schemas: [1] }, registry)).scimType).toBe(
        'invalidSyntax',
      );
    });

    it('rejects a non-object under an extension URN key', () => {
      expect(scimErrorOf(() => normalizeUserInput({ userName: 'x', [ENT]: 'oops' }, registry)).scimType).toBe(
        'invalidValue',
      );
    });

    it('keeps open-extension values losslessly but without nulls, and drops an empty extension', () => {
      const r = normalizeUserInput(
        { userName: 'x', [SJ]: { Nested: { a: null, b: [1, null, 'x'] }, Flag: 'False' }, 'urn:acme:empty': {} },
        registry,
      );
      expect(r.resource[SJ]).toEqual({ Nested: { b: [1, 'x'] }, Flag: 'False' });
      expect(r.resource).not.toHaveProperty('urn:acme:empty');
      expect(r.resource['schemas']).toEqual([USER, SJ]);
    });

    it.each([
      `{"userName":"x","urn:acme:x":{"__proto__":{"polluted":1}}}`,
      `{"userName":"x","urn:acme:x":{"ok":{"__proto__":{"polluted":1},"v":1}}}`,
      `{"userName":"x","__proto__":{"polluted":2}}`,
      `{"userName":"x","emails":[{"value":"a@b","__proto__":{"polluted":3}}]}`,
    ])('refuses a "__proto__" key (JSON.parse makes it an own key) with invalidValue: %s', (json) => {
      expect(scimErrorOf(() => normalizeUserInput(JSON.parse(json), registry))).toMatchObject({
        status: 400,
        scimType: 'invalidValue',
      });
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('validates dateTime, integer and decimal attributes of declared extensions', () => {
      const custom = new ScimSchemaRegistry({
        userExtensions: [
          ENTERPRISE_USER_SCHEMA,
          {
            id: 'urn:test:hr',
            name: 'Hr',
            description: 'test',
            attributes: [
              scimAttribute('hireDate', 'dateTime', 'd'),
              scimAttribute('level', 'integer', 'l'),
              scimAttribute('fte', 'decimal', 'f'),
            ],
          },
        ],
      });
      const ok = normalizeUserInput(
        { userName: 'x', 'urn:test:hr': { hireDate: '2024-02-29T10:00:00.1234567Z', level: '3', fte: 0.8 } },
        custom,
      );
      expect(ok.resource['urn:test:hr']).toEqual({ hireDate: '2024-02-29T10:00:00.1234567Z', level: 3, fte: 0.8 });
      for (const bad of [
        { hireDate: '2023-02-29T10:00:00Z' },
        { hireDate: 'yesterday' },
        { level: 1.5 },
        { level: 'x' },
        { fte: 'lots' },
      ]) {
        expect(scimErrorOf(() => normalizeUserInput({ userName: 'x', 'urn:test:hr': bad }, custom)).scimType).toBe(
          'invalidValue',
        );
      }
    });
  });

  describe('normalizeGroupInput', () => {
    it('requires displayName', () => {
      const error = scimErrorOf(() => normalizeGroupInput({ schemas: [GROUP] }, registry));
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(error.message).toContain("'displayName'");
    });

    it('normalises members: bare ids, $ref dropped, type case-insensitive, duplicates collapsed, not stored in the resource', () => {
      const r = normalizeGroupInput(
        {
          displayName: 'G',
          members: [
            'u1',
            { value: 'u2', $ref: null, type: 'user', display: 'Two' },
            { VALUE: 'u1' },
            { value: 'g9', type: 'Group' },
          ],
        },
        registry,
      );
      expect(r.members).toEqual([
        { value: 'u1' },
        { value: 'u2', type: 'User', display: 'Two' },
        { value: 'g9', type: 'Group' },
      ]);
      expect(r.resource).toEqual({ schemas: [GROUP], displayName: 'G' });
    });

    it.each([[[{ $ref: null }]], [[{ value: '' }]], [[{ value: 5, type: 'Robot' }]], [[['nested']]]])(
      'rejects a bad member %p with invalidValue',
      (members) => {
        expect(scimErrorOf(() => normalizeGroupInput({ displayName: 'G', members }, registry))).toMatchObject({
          status: 400,
          scimType: 'invalidValue',
        });
      },
    );
  });

  describe('properties', () => {
    const fixtureBodies = loadFixturesForUnitSpecs()
      .filter(([, f]) => f.body !== null && (f.method === 'POST' || f.method === 'PUT'))
      .map(([, f]) => f.body);

    /** Replaces one random node of a JSON tree with a random JSON value. */
    const mutated = fc
      .tuple(fc.constantFrom(...fixtureBodies), fc.nat(), fc.jsonValue())
      .map(([body, pick, replacement]) => replaceNode(body, pick, replacement));

    const isAllowedError = (error: unknown) =>
      error instanceof ScimError && (error.status === 400 || error.status === 409);

    it('never throws anything but a 400/409 ScimError, for random and mutated bodies', () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), mutated, fc.anything()), (body) => {
          for (const fn of [normalizeUserInput, normalizeGroupInput]) {
            try {
              const r = fn(body, registry);
              expectNoNulls(r.resource);
            } catch (error) {
              if (!isAllowedError(error)) throw error;
            }
          }
        }),
        { numRuns: 400 },
      );
    });

    it('is idempotent: normalising a stored resource again gives the same resource', () => {
      fc.assert(
        fc.property(mutated, (body) => {
          let first: NormalizedUserInput;
          try {
            first = normalizeUserInput(body, registry);
          } catch (error) {
            if (isAllowedError(error)) return;
            throw error;
          }
          expect(normalizeUserInput(first.resource, registry).resource).toEqual(first.resource);
        }),
        { numRuns: 300 },
      );
    });
  });
});
