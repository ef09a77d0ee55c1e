// Recorded IdP requests (test/fixtures/scim/<idp>/*.json), placeholders substituted.
import { loadFixturesForUnitSpecs, UNIT_FIXTURE_IDS } from '../../../../../test/utils/scim-fixtures';
import { patchBody as patch, replaceNode, scimErrorOf, SPEC_URNS } from '../../../../../test/utils/scim-unit-spec';
import fc from 'fast-check';
import { parseFilter } from '../../../../shared/scim/filter/scim-filter.parser';
import { ScimError } from '../../../../shared/scim/scim-error';
import { SCIM_MESSAGE, SCIM_SCHEMA } from '../../../../shared/scim/scim.constants';
import { ScimSchemaRegistry } from '../../../../shared/scim/schemas/scim-schema.registry';
import { MAX_PATCH_OPERATIONS, normalizePatchRequest, type CanonicalPatchOp } from './scim-patch.normalizer';

const WORK = parseFilter('type eq "work"');

const { ENT, META, CEN, CENU, SJ } = SPEC_URNS;
const { managerId, memberId, userId } = UNIT_FIXTURE_IDS;
const registry = new ScimSchemaRegistry();
const user = (body: unknown) => normalizePatchRequest(body, 'User', registry);
const group = (body: unknown) => normalizePatchRequest(body, 'Group', registry);

/** Canonical op builders for the expectations. */
const at = (attr: string, subAttr?: string) => ({ path: { attr, ...(subAttr ? { subAttr } : {}) } });
const ext = (schema: string, attr: string) => ({ path: { schema, attr } });
const filtered = (attr: string, filter: string, subAttr?: string, schema?: string) => ({
  path: { ...(schema ? { schema } : {}), attr },
  valueFilter: parseFilter(filter),
  ...(subAttr ? { subAttr } : {}),
});

describe(normalizePatchRequest.name, () => {
  describe('recorded IdP requests — one per quirk', () => {
    const expected: Record<string, CanonicalPatchOp[]> = {
      'entra/patch-user-capitalised-ops': [
        { op: 'replace', path: at('displayName'), value: 'Pvlo' },
        {
          op: 'replace',
          path: { path: { attr: 'emails' }, valueFilter: WORK, subAttr: 'value' },
          value: 'TestBcwqnm@test.microsoft.com',
        },
        { op: 'replace', path: at('name', 'givenName'), value: 'Gtfd' },
        { op: 'replace', path: at('name', 'familyName'), value: 'Pkqf' },
        { op: 'replace', path: at('externalId'), value: 'Eqpj' },
        { op: 'replace', path: ext(ENT, 'employeeNumber'), value: 'Eqpj' },
        { op: 'add', path: at('nickName'), value: 'Babs' },
      ],
      'entra/patch-user-active-string-False': [{ op: 'replace', path: at('active'), value: false }],
      'entra/patch-user-active-string-false-lowercase': [{ op: 'replace', path: at('active'), value: false }],
      'entra/patch-user-active-string-True': [{ op: 'replace', path: at('active'), value: true }],
      'entra/patch-user-add-active': [{ op: 'add', path: at('active'), value: false }],
      'entra/patch-user-active-boolean-aadopt': [{ op: 'replace', path: at('active'), value: false }],
      'entra/patch-user-pathless-dotted-urn-keys': [
        { op: 'replace', path: filtered('emails', 'type eq "work"', 'value'), value: 'TestMhvaes@test.microsoft.com' },
        { op: 'replace', path: at('displayName'), value: 'Bjfe' },
        { op: 'replace', path: at('name', 'givenName'), value: 'Kkom' },
        { op: 'replace', path: at('name', 'familyName'), value: 'Unua' },
        { op: 'replace', path: ext(ENT, 'employeeNumber'), value: 'Aklq' },
        { op: 'replace', path: at('active'), value: false },
      ],
      'entra/patch-user-pathless-nested-urn-object': [
        { op: 'replace', path: ext(ENT, 'department'), value: 'Finance' },
        { op: 'replace', path: ext(ENT, 'manager'), value: { value: managerId } },
        { op: 'replace', path: at('name'), value: { givenName: 'Kkom' } },
        { op: 'replace', path: at('title'), value: 'Lead' },
      ],
      'entra/patch-user-schema-qualified-core-path': [
        { op: 'replace', path: at('name', 'familyName'), value: 'Qualified' },
        { op: 'add', path: at('title'), value: 'Director' },
      ],
      'entra/patch-user-legacy-dot-extension-path': [{ op: 'replace', path: ext(ENT, 'department'), value: 'Sales' }],
      'entra/patch-user-replace-work-email-existing': [
        { op: 'replace', path: filtered('emails', 'type eq "work"', 'value'), value: 'updatedEmail@microsoft.com' },
        { op: 'replace', path: at('name', 'familyName'), value: 'updatedFamilyName' },
      ],
      'entra/patch-user-add-work-email-missing': [
        { op: 'add', path: filtered('emails', 'type eq "work"', 'value'), value: 'new.work@joe.com' },
      ],
      'entra/patch-user-replace-work-address-postal-code': [
        { op: 'replace', path: filtered('addresses', 'type eq "work"', 'postalCode'), value: '98052' },
        { op: 'replace', path: filtered('addresses', 'type eq "work"', 'streetAddress'), value: '1 Microsoft Way' },
      ],
      'entra/patch-user-add-mobile-phone': [
        { op: 'add', path: filtered('phoneNumbers', 'type eq "mobile"', 'value'), value: '+1 555 0100' },
      ],
      'entra/patch-user-manager-bare-string': [{ op: 'add', path: ext(ENT, 'manager'), value: { value: managerId } }],
      'entra/patch-user-manager-array-form': [{ op: 'add', path: ext(ENT, 'manager'), value: { value: managerId } }],
      'entra/patch-user-manager-remove-by-filter': [
        { op: 'remove', path: filtered('manager', `value eq "${managerId}"`, undefined, ENT) },
      ],
      'entra/patch-user-roles-stringified-json': [
        {
          op: 'add',
          path: at('roles'),
          value: [
            { value: '25', display: 'Admin', id: '06b07648-ecfe-589f-9d2f-6325724a46ee' },
            { value: 'User', display: 'User', id: '06b07648-ecfe-599f-9d2f-6325724a46ee' },
          ],
        },
      ],
      'entra/patch-user-roles-primary-filter': [
        { op: 'replace', path: filtered('roles', 'primary eq "True"', 'value'), value: 'Admin' },
      ],
      'entra/patch-user-custom-extension-folders': [
        { op: 'replace', path: ext(CEN, 'folders'), value: ['Folder 1', 'Folder 2'] },
      ],
      'entra/patch-user-metadata-flat-urn-path': [{ op: 'add', path: ext(META, 'costCode'), value: 'CC-9' }],
      'entra/patch-user-custom-extension-tag': [{ op: 'replace', path: ext(CENU, 'tag'), value: '701985' }],
      'entra/patch-user-pathless-sj-attributes': [
        { op: 'replace', path: ext(SJ, 'security_champion'), value: true },
        { op: 'replace', path: ext(SJ, 'team_name'), value: 'AppSec' },
      ],
      'entra/patch-group-add-members-ref-null': [{ op: 'add', path: at('members'), value: [{ value: memberId }] }],
      'entra/patch-group-add-unknown-members': [
        {
          op: 'add',
          path: at('members'),
          value: [{ value: memberId }, { value: '0d3e4c52-9a51-4d6b-8f3a-5b1c2d3e4f50' }, { value: 'not-a-user-id' }],
        },
      ],
      'entra/patch-user-manager-unknown': [
        { op: 'add', path: ext(ENT, 'manager'), value: { value: '0d3e4c52-9a51-4d6b-8f3a-5b1c2d3e4f50' } },
      ],
      'entra/patch-group-add-multiple-members': [
        { op: 'add', path: at('members'), value: [{ value: memberId }, { value: userId }] },
      ],
      'entra/patch-group-remove-member-value-list': [
        { op: 'remove', path: at('members'), value: [{ value: memberId }] },
      ],
      'entra/patch-group-remove-member-filter': [{ op: 'remove', path: filtered('members', `value eq "${memberId}"`) }],
      'entra/patch-group-remove-absent-member': [{ op: 'remove', path: at('members'), value: [{ value: userId }] }],
      'entra/patch-group-replace-display-name': [
        { op: 'replace', path: at('displayName'), value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' },
      ],
      'okta/patch-user-deactivate-pathless': [{ op: 'replace', path: at('active'), value: false }],
      'okta/patch-user-reactivate-pathless': [{ op: 'replace', path: at('active'), value: true }],
      // The password is accepted and dropped: nothing to store (writeOnly, returned never).
      'okta/patch-user-password-pathless': [],
      'okta/patch-group-rename-pathless': [{ op: 'replace', path: at('displayName'), value: 'Test SCIMv2 renamed' }],
      'okta/patch-group-mixed-remove-add-members': [
        { op: 'remove', path: filtered('members', `value eq "${memberId}"`) },
        { op: 'add', path: at('members'), value: [{ value: userId, display: 'test.user@okta.local' }] },
      ],
      'okta/patch-group-replace-members': [
        {
          op: 'replace',
          path: at('members'),
          value: [
            { value: memberId, display: 'member@okta.local' },
            { value: userId, display: 'test.user@okta.local' },
          ],
        },
      ],
    };

    const fixtures = loadFixturesForUnitSpecs().filter(([, f]) => f.method === 'PATCH');
    it.each(fixtures.map(([name, f]) => [`${name} — ${f.quirk}`, name, f] as const))('%s', (_title, name, f) => {
      const ops = expected[name];
      if (!ops) throw new Error(`no expectation for fixture ${name}`);
      const resourceType = f.path.startsWith('/Groups') ? 'Group' : 'User';
      expect(normalizePatchRequest(f.body, resourceType, registry)).toEqual(ops);
    });
  });

  describe('request envelope', () => {
    it.each([null, [], 'x', 1])('rejects a non-object body (%p) with invalidSyntax', (body) => {
      expect(scimErrorOf(() => user(body))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    });

    it('requires an Operations array', () => {
      expect(scimErrorOf(() => user({ schemas: [SCIM_MESSAGE.PATCH_OP] })).scimType).toBe('invalidSyntax');
      expect(scimErrorOf(() => user({ Operations: { op: 'add' } })).scimType).toBe('invalidSyntax');
    });

    it('finds "operations" case-insensitively and does not require the PatchOp schemas', () => {
      expect(user({ operations: [{ op: 'replace', path: 'active', value: 'False' }] })).toEqual([
        { op: 'replace', path: at('active'), value: false },
      ]);
      expect(user({ OPERATIONS: [{ OP: 'Remove', PATH: 'title' }] })).toEqual([{ op: 'remove', path: at('title') }]);
    });

    it('requires at least one and at most MAX_PATCH_OPERATIONS operations', () => {
      expect(scimErrorOf(() => user(patch())).scimType).toBe('invalidSyntax');
      const many = Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({
        op: 'replace',
        path: 'title',
        value: 'x',
      }));
      expect(scimErrorOf(() => user(patch(...many))).scimType).toBe('invalidSyntax');
      expect(user(patch(...many.slice(1)))).toHaveLength(MAX_PATCH_OPERATIONS);
    });
  });

  describe('operations', () => {
    it.each(['ADD', 'Replace', 'rEmOvE'])('accepts the op name %s in any case (idp-dialects #13)', (op) => {
      expect(user(patch({ op, path: 'title', value: 'x' }))[0].op).toBe(op.toLowerCase());
    });

    it.each(['upsert', 'move', '', 3, null])('rejects op %p with invalidSyntax (RFC 7644 §3.5.2)', (op) => {
      expect(scimErrorOf(() => user(patch({ op, path: 'title', value: 'x' })))).toMatchObject({
        status: 400,
        scimType: 'invalidSyntax',
      });
    });

    it('rejects remove without a path with noTarget (RFC 7644 §3.5.2.2)', () => {
      expect(scimErrorOf(() => user(patch({ op: 'remove' }))).scimType).toBe('noTarget');
      expect(scimErrorOf(() => user(patch({ op: 'remove', path: '  ', value: { title: 'x' } }))).scimType).toBe(
        'noTarget',
      );
    });

    it('rejects add/replace without a value with invalidValue', () => {
      expect(scimErrorOf(() => user(patch({ op: 'add', path: 'title' }))).scimType).toBe('invalidValue');
      expect(scimErrorOf(() => user(patch({ op: 'replace' }))).scimType).toBe('invalidValue');
      expect(scimErrorOf(() => user(patch({ op: 'replace', value: 'x' }))).scimType).toBe('invalidValue');
      expect(scimErrorOf(() => user(patch({ op: 'add', value: ['x'] }))).scimType).toBe('invalidValue');
    });

    it.each([
      'emails[type eq "work"',
      'name..givenName',
      'emails[type zz "work"]',
      'urn:ietf:params:scim:schemas:core:2.0:User:',
      'a b',
    ])('rejects the malformed path %s with invalidPath', (path) => {
      const error = scimErrorOf(() => user(patch({ op: 'replace', path, value: 'x' })));
      expect(error.status).toBe(400);
      expect(['invalidPath', 'invalidFilter']).toContain(error.scimType);
    });

    it.each(['name.nickname', 'title[value eq "x"]', 'name.givenName[value eq "x"]', 'emails[type eq "work"].colour'])(
      'rejects the unknown or impossible path %s with invalidPath',
      (path) => {
        expect(scimErrorOf(() => user(patch({ op: 'replace', path, value: 'x' })))).toMatchObject({
          status: 400,
          scimType: 'invalidPath',
        });
      },
    );

    it('describes a non-string op without calling its toString (hostile JSON keys)', () => {
      expect(
        scimErrorOf(() => user(patch({ op: { toString: 0, valueOf: 0 }, path: 'title', value: 'x' }))).scimType,
      ).toBe('invalidSyntax');
    });

    it('rejects a path that is not a string with invalidPath', () => {
      expect(scimErrorOf(() => user(patch({ op: 'replace', path: 7, value: 'x' }))).scimType).toBe('invalidPath');
    });

    it('treats null as unassigned: replace null removes, add null does nothing', () => {
      expect(user(patch({ op: 'replace', path: 'title', value: null }))).toEqual([{ op: 'remove', path: at('title') }]);
      expect(user(patch({ op: 'add', path: 'title', value: null }))).toEqual([]);
      expect(user(patch({ op: 'replace', value: { title: null, nickName: 'N' } }))).toEqual([
        { op: 'remove', path: at('title') },
        { op: 'replace', path: at('nickName'), value: 'N' },
      ]);
    });

    it('turns replace with an empty array into remove of the attribute', () => {
      expect(user(patch({ op: 'replace', path: 'emails', value: [] }))).toEqual([{ op: 'remove', path: at('emails') }]);
      expect(user(patch({ op: 'add', path: 'emails', value: [] }))).toEqual([]);
    });

    it('ignores id, meta and schemas but keeps unknown names inside a path-less value (issue #16)', () => {
      expect(
        user(patch({ op: 'replace', value: { id: 'x', meta: {}, schemas: [], shoeSize: 3, title: 'T' } })),
      ).toEqual([
        { op: 'replace', path: at('shoeSize'), value: 3 },
        { op: 'replace', path: at('title'), value: 'T' },
      ]);
    });

    it.each(['shoeSize', `${ENT}:shoeSize`])('accepts the undeclared attribute %s as sent (issue #16)', (path) => {
      expect(user(patch({ op: 'replace', path, value: 'x' }))).toHaveLength(1);
    });

    it('expands value-path keys and core-URN containers inside a path-less value', () => {
      expect(
        user(
          patch({
            op: 'add',
            value: { 'emails[type eq "work"].value': 'a@b', [SCIM_SCHEMA.USER]: { 'name.givenName': 'G' } },
          }),
        ),
      ).toEqual([
        { op: 'add', path: filtered('emails', 'type eq "work"', 'value'), value: 'a@b' },
        { op: 'add', path: at('name', 'givenName'), value: 'G' },
      ]);
    });

    it('expands add/replace on a whole extension URN path into its attributes', () => {
      expect(user(patch({ op: 'replace', path: ENT, value: { Department: 'X', manager: 'm1' } }))).toEqual([
        { op: 'replace', path: ext(ENT, 'department'), value: 'X' },
        { op: 'replace', path: ext(ENT, 'manager'), value: { value: 'm1' } },
      ]);
      expect(scimErrorOf(() => user(patch({ op: 'replace', path: ENT, value: 'x' }))).scimType).toBe('invalidValue');
    });

    it('expands remove of a whole declared extension; refuses it for an open one', () => {
      expect(user(patch({ op: 'remove', path: CENU }))).toEqual([{ op: 'remove', path: ext(CENU, 'tag') }]);
      expect(scimErrorOf(() => user(patch({ op: 'remove', path: META }))).scimType).toBe('invalidPath');
    });

    it('keeps a remove value only for whole multi-valued attributes', () => {
      expect(user(patch({ op: 'remove', path: 'emails', value: [{ value: 'a@b' }] }))).toEqual([
        { op: 'remove', path: at('emails'), value: [{ value: 'a@b' }] },
      ]);
      expect(user(patch({ op: 'remove', path: 'title', value: 'x' }))).toEqual([{ op: 'remove', path: at('title') }]);
      expect(user(patch({ op: 'remove', path: 'emails', value: [] }))).toEqual([]);
    });

    it('accepts the stringified role JSON as a bare string too (idp-dialects #20)', () => {
      expect(user(patch({ op: 'add', path: 'roles', value: '{"id":"1","value":"25","displayName":"Admin"}' }))).toEqual(
        [{ op: 'add', path: at('roles'), value: [{ id: '1', value: '25', display: 'Admin' }] }],
      );
    });

    it('rejects filtered add/replace and sub-attribute paths on members', () => {
      expect(
        scimErrorOf(() => group(patch({ op: 'add', path: 'members[value eq "a"]', value: { value: 'b' } }))).scimType,
      ).toBe('invalidPath');
      expect(
        scimErrorOf(() => group(patch({ op: 'replace', path: 'members[value eq "a"].display', value: 'x' }))).scimType,
      ).toBe('invalidPath');
      expect(scimErrorOf(() => group(patch({ op: 'remove', path: 'members.display' }))).scimType).toBe('invalidPath');
    });

    it('rejects members without a usable value with invalidValue', () => {
      expect(scimErrorOf(() => group(patch({ op: 'add', path: 'members', value: [{ $ref: null }] }))).scimType).toBe(
        'invalidValue',
      );
      expect(scimErrorOf(() => group(patch({ op: 'add', path: 'members', value: [{ value: '' }] }))).scimType).toBe(
        'invalidValue',
      );
    });

    it('rejects values of the wrong type with invalidValue naming the operation', () => {
      const error = scimErrorOf(() => user(patch({ op: 'replace', path: 'active', value: 'maybe' })));
      expect(error.scimType).toBe('invalidValue');
      expect(error.message).toContain('Operations[0]');
    });
  });

  describe('properties', () => {
    const fixtureBodies = loadFixturesForUnitSpecs()
      .filter(([, f]) => f.method === 'PATCH')
      .map(([, f]) => f.body);
    const mutated = fc
      .tuple(fc.constantFrom(...fixtureBodies), fc.nat(), fc.jsonValue())
      .map(([body, pick, replacement]) => replaceNode(body, pick, replacement));
    const randomOp = fc.record(
      {
        op: fc.oneof(fc.constantFrom('add', 'Replace', 'REMOVE', 'remove', 'x'), fc.jsonValue()),
        path: fc.oneof(
          fc.constantFrom(
            'active',
            'emails[type eq "work"].value',
            'members[value eq "a"]',
            'name.givenName',
            `${ENT}:manager`,
            `${META}:k`,
            'manager[value eq "m"]',
            'roles',
          ),
          fc.string(),
          fc.jsonValue(),
        ),
        value: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const randomBody = fc.record(
      { schemas: fc.jsonValue(), Operations: fc.array(randomOp, { maxLength: 6 }) },
      { requiredKeys: ['Operations'] },
    );

    it('never throws anything but a 400 ScimError, for random and mutated PATCH bodies', () => {
      fc.assert(
        fc.property(
          fc.oneof(mutated, randomBody, fc.jsonValue()),
          fc.constantFrom('User' as const, 'Group' as const),
          (body, type) => {
            try {
              normalizePatchRequest(body, type, registry);
            } catch (error) {
              if (!(error instanceof ScimError) || error.status !== 400) throw error;
            }
          },
        ),
        { numRuns: 500 },
      );
    });

    it('is idempotent on canonical values: every op it emits has a path', () => {
      fc.assert(
        fc.property(fc.oneof(mutated, randomBody), (body) => {
          let ops: CanonicalPatchOp[];
          try {
            ops = normalizePatchRequest(body, 'User', registry);
          } catch (error) {
            if (error instanceof ScimError) return;
            throw error;
          }
          for (const op of ops) expect(op.path).toBeDefined();
        }),
        { numRuns: 300 },
      );
    });
  });
});
