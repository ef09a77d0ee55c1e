// Recorded IdP requests (test/fixtures/scim/<idp>/*.json), placeholders substituted.
import { loadFixturesForUnitSpecs, type ScimFixture } from '../../../../../test/utils/scim-fixtures';
import { SPEC_URNS } from '../../../../../test/utils/scim-unit-spec';
import { parseAttributeList } from '../../../../shared/scim/filter/scim-filter.parser';
import { scimAttribute } from '../../../../shared/scim/schemas/scim-attribute.factory';
import { ScimSchemaRegistry } from '../../../../shared/scim/schemas/scim-schema.registry';
import { projectResource } from './scim-projection';

const { USER, GROUP, ENT, META, SJ } = SPEC_URNS;
const registry = new ScimSchemaRegistry();
const meta = {
  resourceType: 'User',
  created: '2024-01-01T00:00:00Z',
  lastModified: '2024-02-01T00:00:00Z',
  location: 'https://roster/scim/v2/Users/u-1',
  version: 'W/"2"',
};

const FULL_USER: Record<string, unknown> = {
  schemas: [USER, ENT, META, SJ],
  id: 'u-1',
  externalId: 'bjensen',
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  password: 'must-never-show',
  [ENT]: { employeeNumber: '701984', manager: { value: 'm-1' } },
  [META]: { costCode: 'CC-1' },
  [SJ]: { security_champion: false },
  meta,
};
const FULL_GROUP: Record<string, unknown> = {
  schemas: [GROUP],
  id: 'g-1',
  displayName: 'Sales',
  members: [{ value: 'u-1', display: 'Babs' }],
  meta: { ...meta, resourceType: 'Group' },
};

const project = (attributes?: string, excludedAttributes?: string, full = FULL_USER, type: 'User' | 'Group' = 'User') =>
  projectResource(
    full,
    { attributes: parseAttributeList(attributes), excludedAttributes: parseAttributeList(excludedAttributes) },
    type,
    registry,
  );

describe(projectResource.name, () => {
  describe('recorded IdP requests — one per quirk', () => {
    const expectations: Record<string, (f: ScimFixture) => void> = {
      'entra/get-group-excluded-members': (f) => {
        const query = new URLSearchParams(f.path.slice(f.path.indexOf('?') + 1));
        const out = projectResource(
          FULL_GROUP,
          {
            attributes: parseAttributeList(query.get('attributes') ?? undefined),
            excludedAttributes: parseAttributeList(query.get('excludedAttributes') ?? undefined),
          },
          'Group',
          registry,
        );
        expect(out).toEqual({ schemas: [GROUP], id: 'g-1', displayName: 'Sales', meta: FULL_GROUP['meta'] });
      },
      'entra/get-group-member-display': () => {
        // The projection keeps each member's display (the SQL join fills it; groups e2e, dialect e2e).
        const out = projectResource(FULL_GROUP, { attributes: [], excludedAttributes: [] }, 'Group', registry);
        expect(out['members']).toEqual(FULL_GROUP['members']);
      },
    };
    // GET /Schemas (entra/get-schemas-discovery) is a discovery document, covered by scim-discovery.documents.spec.
    const fixtures = loadFixturesForUnitSpecs().filter(([, f]) => f.method === 'GET' && !f.path.startsWith('/Schemas'));
    it.each(fixtures.map(([name, f]) => [`${name} — ${f.quirk}`, name, f] as const))('%s', (_title, name, f) => {
      const check = expectations[name];
      if (!check) throw new Error(`no expectation for fixture ${name}`);
      check(f);
    });
  });

  it('returns default attributes, never password, schemas first (no parameters)', () => {
    const out = project();
    expect(Object.keys(out)[0]).toBe('schemas');
    expect(out).not.toHaveProperty('password');
    expect(out).toMatchObject({ id: 'u-1', userName: 'bjensen@example.com', meta, [ENT]: FULL_USER[ENT] });
    expect(out['schemas']).toEqual([USER, ENT, META, SJ]);
  });

  it('returns only id, schemas and the requested attributes with attributes=', () => {
    expect(project('userName')).toEqual({ schemas: [USER], id: 'u-1', userName: 'bjensen@example.com' });
    expect(project('USERNAME,Active')).toEqual({
      schemas: [USER],
      id: 'u-1',
      userName: 'bjensen@example.com',
      active: true,
    });
  });

  it('never returns password, even when asked', () => {
    expect(project('password')).toEqual({ schemas: [USER], id: 'u-1' });
  });

  it('lets attributes take precedence over excludedAttributes', () => {
    expect(project('userName', 'userName')).toEqual({ schemas: [USER], id: 'u-1', userName: 'bjensen@example.com' });
  });

  it('keeps only the requested sub-attribute', () => {
    expect(project('name.givenName')['name']).toEqual({ givenName: 'Barbara' });
    expect(project('emails.value')['emails']).toEqual([{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }]);
  });

  it('keeps only matching values for a value path in attributes', () => {
    expect(project('emails[type eq "work"]')['emails']).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    expect(project('emails[type eq "work"].value')['emails']).toEqual([{ value: 'bjensen@example.com' }]);
    expect(project('emails[type eq "other"]')).not.toHaveProperty('emails');
  });

  it('drops matching values or sub-attributes for excludedAttributes', () => {
    expect(project(undefined, 'emails[type eq "home"]')['emails']).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    expect(project(undefined, 'emails[type eq "work"].primary')['emails']).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
    expect(project(undefined, 'name.familyName')['name']).toEqual({ givenName: 'Barbara' });
    expect(project(undefined, 'emails')).not.toHaveProperty('emails');
  });

  it('always returns id and schemas, even when excluded', () => {
    const out = project(undefined, 'id,schemas,userName');
    expect(out).toMatchObject({ schemas: [USER, ENT, META, SJ], id: 'u-1' });
    expect(out).not.toHaveProperty('userName');
  });

  it('returns meta by default, drops it when excluded, and projects its sub-attributes', () => {
    expect(project(undefined, 'meta')).not.toHaveProperty('meta');
    expect(project('meta.lastModified')).toEqual({
      schemas: [USER],
      id: 'u-1',
      meta: { lastModified: '2024-02-01T00:00:00Z' },
    });
  });

  it('handles URN-qualified names: core, one extension attribute, a whole extension', () => {
    expect(project(`${USER}:userName`)).toEqual({ schemas: [USER], id: 'u-1', userName: 'bjensen@example.com' });
    expect(project(`${ENT}:employeeNumber`)).toEqual({
      schemas: [USER, ENT],
      id: 'u-1',
      [ENT]: { employeeNumber: '701984' },
    });
    expect(project(`${ENT}:manager.value`)).toEqual({
      schemas: [USER, ENT],
      id: 'u-1',
      [ENT]: { manager: { value: 'm-1' } },
    });
    expect(project(ENT)).toEqual({ schemas: [USER, ENT], id: 'u-1', [ENT]: FULL_USER[ENT] });
    expect(project('employeeNumber')).toEqual({ schemas: [USER, ENT], id: 'u-1', [ENT]: { employeeNumber: '701984' } });
  });

  it('excludes a whole extension and its schemas entry', () => {
    const out = project(undefined, ENT);
    expect(out).not.toHaveProperty(ENT);
    expect(out['schemas']).toEqual([USER, META, SJ]);
  });

  it('projects attributes of open extensions', () => {
    expect(project(`${META}:costCode`)).toEqual({ schemas: [USER, META], id: 'u-1', [META]: { costCode: 'CC-1' } });
    expect(project(undefined, `${SJ}:security_champion`)['schemas']).toEqual([USER, ENT, META]);
  });

  it('ignores names that match nothing', () => {
    expect(project('shoeSize')).toEqual({ schemas: [USER], id: 'u-1' });
    expect(project(undefined, 'shoeSize,urn:acme:x:y')).toEqual(project());
  });

  it('drops members with excludedAttributes=members and keeps them otherwise', () => {
    expect(project(undefined, 'members', FULL_GROUP, 'Group')).not.toHaveProperty('members');
    expect(project(undefined, undefined, FULL_GROUP, 'Group')['members']).toEqual(FULL_GROUP['members']);
    expect(project('displayName', undefined, FULL_GROUP, 'Group')).toEqual({
      schemas: [GROUP],
      id: 'g-1',
      displayName: 'Sales',
    });
  });

  it('returns "request" attributes only when asked for and never "never" sub-attributes', () => {
    const custom = new ScimSchemaRegistry({
      userExtensions: [
        {
          id: 'urn:test:x',
          name: 'X',
          description: 'test',
          attributes: [
            scimAttribute('secretish', 'string', 's', { returned: 'request' }),
            scimAttribute('box', 'complex', 'b', {
              subAttributes: [
                scimAttribute('open', 'string', 'o'),
                scimAttribute('hidden', 'string', 'h', { returned: 'never' }),
              ],
            }),
          ],
        },
      ],
    });
    const full = {
      schemas: [USER, 'urn:test:x'],
      id: 'u',
      userName: 'n',
      'urn:test:x': { secretish: 's', box: { open: 'o', hidden: 'h' } },
    };
    const run = (attributes?: string) =>
      projectResource(full, { attributes: parseAttributeList(attributes) }, 'User', custom);
    expect(run()['urn:test:x']).toEqual({ box: { open: 'o' } });
    expect(run('urn:test:x:secretish')['urn:test:x']).toEqual({ secretish: 's' });
    expect(run('urn:test:x:box.hidden')).toEqual({ schemas: [USER], id: 'u' });
  });

  it('does not mutate the full resource', () => {
    const snapshot = JSON.stringify(FULL_USER);
    project('emails[type eq "work"].value,name.givenName', 'meta');
    project(undefined, 'emails[type eq "home"],name.familyName');
    expect(JSON.stringify(FULL_USER)).toBe(snapshot);
  });
});
