import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { createIsolatedDatabase } from '../../utils/isolated-database';
import {
  compileScimFilter,
  compileSortExpression,
  type ResolvedAttr,
  type SqlFilterTarget,
} from '../../../src/modules/staging/infrastructure/scim-filter-to-sql';
import { matchesFilter } from '../../../src/shared/scim/filter/scim-filter.evaluator';
import { parseAttrPath, parseFilter, printFilter } from '../../../src/shared/scim/filter/scim-filter.parser';
import { ScimError } from '../../../src/shared/scim/scim-error';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../../../src/shared/scim/scim-filter.ast';
import type { ScimAttributeDef, ScimAttributeType, ScimSchemaDef } from '../../../src/shared/scim/scim-schema.types';

/**
 * Runs compiled filters against a real PostgreSQL: a throwaway database per run (the compiler emits
 * `staging.scim_group_member`, so the schema name cannot vary), with the staging tables and indexes
 * of the staging migration.
 */

// ---------------------------------------------------------------- fake schema resolver (RFC 7643 subset)

function attr(name: string, type: ScimAttributeType, extra: Partial<ScimAttributeDef> = {}): ScimAttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description: name,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

function multi(name: string, subs: ScimAttributeDef[], extra: Partial<ScimAttributeDef> = {}): ScimAttributeDef {
  return attr(name, 'complex', { multiValued: true, subAttributes: subs, ...extra });
}

const valueTypePrimary = (valueType: ScimAttributeType = 'string'): ScimAttributeDef[] => [
  attr('value', valueType, valueType === 'binary' ? { caseExact: true } : {}),
  attr('display', 'string'),
  attr('type', 'string'),
  attr('primary', 'boolean'),
];

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TEST_EXT_URN = 'urn:example:params:scim:schemas:extension:roster-test:2.0:User';
const METADATA_URN = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';

const USER_SCHEMA: ScimSchemaDef = {
  id: USER_URN,
  name: 'User',
  description: 'RFC 7643 §4.1',
  attributes: [
    attr('userName', 'string', { required: true, uniqueness: 'server' }),
    attr('name', 'complex', {
      subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map(
        (n) => attr(n, 'string'),
      ),
    }),
    attr('displayName', 'string'),
    attr('nickName', 'string'),
    attr('profileUrl', 'reference'),
    attr('title', 'string'),
    attr('userType', 'string'),
    attr('preferredLanguage', 'string'),
    attr('locale', 'string'),
    attr('timezone', 'string'),
    attr('active', 'boolean'),
    multi('emails', valueTypePrimary()),
    multi('phoneNumbers', valueTypePrimary()),
    multi('ims', valueTypePrimary()),
    multi('photos', valueTypePrimary('reference')),
    multi('addresses', [
      ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) =>
        attr(n, 'string'),
      ),
      attr('primary', 'boolean'),
    ]),
    multi(
      'groups',
      [attr('value', 'string'), attr('$ref', 'reference'), attr('display', 'string'), attr('type', 'string')],
      {
        mutability: 'readOnly',
      },
    ),
    multi('entitlements', valueTypePrimary()),
    multi('roles', valueTypePrimary()),
    multi('x509Certificates', valueTypePrimary('binary')),
  ],
};
const ENTERPRISE_SCHEMA: ScimSchemaDef = {
  id: ENTERPRISE_URN,
  name: 'EnterpriseUser',
  description: 'RFC 7643 §4.3',
  attributes: [
    ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((n) => attr(n, 'string')),
    attr('manager', 'complex', {
      subAttributes: [attr('value', 'string'), attr('$ref', 'reference'), attr('displayName', 'string')],
    }),
  ],
};
const TEST_EXT_SCHEMA: ScimSchemaDef = {
  id: TEST_EXT_URN,
  name: 'RosterTest',
  description: 'typed attributes to exercise numbers, dates, booleans and string arrays',
  attributes: [
    attr('level', 'integer'),
    attr('score', 'decimal'),
    attr('hireDate', 'dateTime'),
    attr('contractor', 'boolean'),
    attr('tags', 'string', { multiValued: true }),
    attr('badge', 'string', { caseExact: true }),
  ],
};
const GROUP_SCHEMA: ScimSchemaDef = {
  id: GROUP_URN,
  name: 'Group',
  description: 'RFC 7643 §4.2',
  attributes: [
    attr('displayName', 'string', { required: true }),
    multi('members', [
      attr('value', 'string', { mutability: 'immutable' }),
      attr('$ref', 'reference'),
      attr('type', 'string'),
      attr('display', 'string'),
    ]),
  ],
};

function findDef(defs: readonly ScimAttributeDef[] | undefined, name: string): ScimAttributeDef | undefined {
  return defs?.find((d) => d.name.toLowerCase() === name.toLowerCase());
}

/** Minimal stand-in for the schema registry: case-insensitive, core first, then extensions. */
function fakeResolver(core: ScimSchemaDef, extensions: ScimSchemaDef[]): (path: AttrPath) => ResolvedAttr | undefined {
  return (path) => {
    const candidates =
      path.schema === undefined
        ? [core, ...extensions]
        : [core, ...extensions].filter((s) => s.id.toLowerCase() === path.schema?.toLowerCase());
    for (const schema of candidates) {
      const def = findDef(schema.attributes, path.attr);
      if (def === undefined) continue;
      const extension = schema !== core;
      if (path.subAttr === undefined) return { schemaId: schema.id, def, extension };
      const sub = findDef(def.subAttributes, path.subAttr);
      return sub === undefined ? undefined : { schemaId: schema.id, def, sub, extension };
    }
    return undefined;
  };
}

const resolveUser = fakeResolver(USER_SCHEMA, [ENTERPRISE_SCHEMA, TEST_EXT_SCHEMA]);
const userTarget: SqlFilterTarget = { resourceType: 'User', alias: 'u', resolve: resolveUser };
const groupTarget: SqlFilterTarget = { resourceType: 'Group', alias: 'g', resolve: fakeResolver(GROUP_SCHEMA, []) };

// ---------------------------------------------------------------- fixture data

interface UserRow {
  key: string;
  id: string;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean | null;
  created: string;
  updated: string;
  resource: Record<string, unknown>;
}

const CONNECTION = 'c1';
const TENANT = randomUUID();
const SCHEMAS_CORE = [USER_URN];
const SCHEMAS_ENT = [USER_URN, ENTERPRISE_URN, TEST_EXT_URN];

function user(key: string, row: Omit<UserRow, 'key' | 'id' | 'resource'>, resource: Record<string, unknown>): UserRow {
  // The canonical resource repeats the column attributes (the staging repository writes both).
  const canonical: Record<string, unknown> = { userName: row.userName, ...resource };
  if (row.externalId !== null) canonical.externalId = row.externalId;
  if (row.displayName !== null) canonical.displayName = row.displayName;
  if (row.active !== null) canonical.active = row.active;
  return { key, id: randomUUID(), ...row, resource: canonical };
}

const u2Id = randomUUID();
const USERS: UserRow[] = [
  user(
    'u1',
    {
      userName: 'bjensen',
      externalId: 'ext-1',
      displayName: 'Babs Jensen',
      active: true,
      created: '2011-05-13T04:42:34.1234567Z',
      updated: '2011-05-13T04:42:34.1234567Z',
    },
    {
      schemas: SCHEMAS_ENT,
      name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Ms. Barbara J Jensen III' },
      title: 'Tour Guide',
      userType: 'Employee',
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      ims: [{ value: 'babs@foo.com', type: 'xmpp' }],
      [ENTERPRISE_URN]: {
        employeeNumber: '701984',
        department: 'Tour Operations',
        manager: { value: u2Id, displayName: 'John Smith' },
      },
      [TEST_EXT_URN]: {
        level: 3,
        score: 4.5,
        hireDate: '2011-05-13T04:42:34.1234567Z',
        contractor: false,
        tags: ['red', 'green'],
        badge: 'B-1',
      },
    },
  ),
  {
    ...user(
      'u2',
      {
        userName: 'JSmith',
        externalId: 'ext-2',
        displayName: 'John Smith',
        active: false,
        created: '2015-06-01T12:00:00Z',
        updated: '2022-01-01T00:00:00Z',
      },
      {
        schemas: [...SCHEMAS_ENT, METADATA_URN],
        userType: 'Intern',
        emails: [{ value: 'john@example.org', type: 'work' }],
        [ENTERPRISE_URN]: { employeeNumber: '42', manager: { value: 'm-9' } },
        [TEST_EXT_URN]: { level: 10, score: -1, hireDate: '2015-01-01T00:00:00+02:00', contractor: true, tags: [] },
        [METADATA_URN]: { costCode: 'CC-1' },
      },
    ),
    id: u2Id,
  },
  user(
    'u3',
    {
      userName: "O'Malley",
      externalId: null,
      displayName: null,
      active: true,
      created: '2018-01-01T00:00:00Z',
      updated: '2022-01-01T00:00:00Z',
    },
    {
      schemas: SCHEMAS_ENT,
      name: { familyName: "O'Malley" },
      title: '',
      userType: 'Employee',
      // Entra sends booleans as strings in some payloads.
      emails: [{ value: 'om@example.com', type: 'Work', primary: 'True' }],
      [TEST_EXT_URN]: { level: '7', score: 'abc', hireDate: 'not a date', contractor: 'True' },
    },
  ),
  user(
    'u4',
    {
      userName: 'percent%user_x\\back',
      externalId: null,
      displayName: '100% real_name',
      active: true,
      created: '2019-01-01T00:00:00Z',
      updated: '2022-01-01T00:00:00Z',
    },
    { schemas: SCHEMAS_CORE, emails: [], [TEST_EXT_URN]: { hireDate: '2011-02-30T00:00:00Z', score: '1e5' } },
  ),
  user(
    'u5',
    {
      userName: 'Ümlaut',
      externalId: null,
      displayName: 'ÜBER',
      active: true,
      created: '2019-06-01T00:00:00Z',
      updated: '2022-01-01T00:00:00Z',
    },
    {
      schemas: SCHEMAS_CORE,
      title: 'VP',
      x509Certificates: [{ value: 'TUlJ' }],
      [TEST_EXT_URN]: { hireDate: '2020-01-01T10:00:00' },
    },
  ),
  user(
    'u6',
    {
      userName: 'nobody',
      externalId: 'EXT-1',
      displayName: null,
      active: false,
      created: '2020-01-01T00:00:00Z',
      updated: '2022-01-01T00:00:00Z',
    },
    { schemas: SCHEMAS_CORE },
  ),
  user(
    'u7',
    {
      userName: 'corrupt',
      externalId: null,
      displayName: null,
      active: false,
      created: '2020-06-01T00:00:00Z',
      updated: '2022-01-01T00:00:00Z',
    },
    // Shapes the schema does not allow must never make a query fail.
    {
      schemas: 'not-an-array',
      name: 'weird',
      emails: { value: 'x@y.z' },
      [TEST_EXT_URN]: { level: { n: 1 }, tags: 'solo' },
    },
  ),
];
const FILLERS: number[] = [];
for (let n = 9; n <= 30; n += 1) {
  FILLERS.push(n);
  const day = String(n - 8).padStart(2, '0');
  USERS.push(
    user(
      `f${String(n).padStart(2, '0')}`,
      {
        userName: `user${n}`,
        externalId: `filler-${n}`,
        displayName: `Filler ${n}`,
        active: n % 2 === 0,
        created: `2021-01-${day}T00:00:00Z`,
        updated: `2021-01-${day}T00:00:00Z`,
      },
      {
        schemas: SCHEMAS_ENT,
        emails: [{ value: `user${n}@acme.com`, type: 'work', primary: true }],
        [ENTERPRISE_URN]: { department: n % 3 === 0 ? 'Eng' : 'Sales' },
        [TEST_EXT_URN]: { level: n },
      },
    ),
  );
}
const f = (pred: (n: number) => boolean): string[] => FILLERS.filter(pred).map((n) => `f${String(n).padStart(2, '0')}`);
const ALL_USERS = USERS.map((u) => u.key);
const except = (...keys: string[]): string[] => ALL_USERS.filter((k) => !keys.includes(k));
const byKey = new Map(USERS.map((u) => [u.key, u]));
const idOf = (key: string): string => byKey.get(key)?.id ?? 'missing';

interface GroupRow {
  key: string;
  id: string;
  displayName: string;
  externalId: string | null;
  members: Array<{ key: string; type: 'User' | 'Group' }>;
}
const GROUPS: GroupRow[] = [
  {
    key: 'g1',
    id: randomUUID(),
    displayName: 'Group One',
    externalId: 'gx-1',
    members: [
      { key: 'u1', type: 'User' },
      { key: 'u2', type: 'User' },
      { key: 'g2', type: 'Group' },
    ],
  },
  { key: 'g2', id: randomUUID(), displayName: 'group two', externalId: null, members: [{ key: 'u3', type: 'User' }] },
  { key: 'g3', id: randomUUID(), displayName: 'Empty', externalId: null, members: [] },
];
const groupIdOf = (key: string): string => GROUPS.find((g) => g.key === key)?.id ?? 'missing';
const memberIdOf = (key: string): string => (key.startsWith('g') ? groupIdOf(key) : idOf(key));

// ---------------------------------------------------------------- database lifecycle

let isolated: { url: string; dispose(): Promise<void> };
let db: Client;

// Runs against the real, migrated schema (the same migrations as production), in a database of its own.
beforeAll(async () => {
  isolated = await createIsolatedDatabase();
  db = new Client({ connectionString: isolated.url });
  await db.connect();
  for (const u of USERS) {
    await db.query(
      `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, external_id, display_name, active, resource, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        u.id,
        TENANT,
        CONNECTION,
        u.userName,
        u.externalId,
        u.displayName,
        u.active,
        JSON.stringify(u.resource),
        u.created,
        u.updated,
      ],
    );
  }
  for (const g of GROUPS) {
    const resource: Record<string, unknown> = { schemas: [GROUP_URN], displayName: g.displayName };
    await db.query(
      `INSERT INTO staging.scim_group (id, tenant_id, connection_id, display_name, external_id, resource) VALUES ($1, $2, $3, $4, $5, $6)`,
      [g.id, TENANT, CONNECTION, g.displayName, g.externalId, JSON.stringify(resource)],
    );
  }
  for (const g of GROUPS) {
    for (const m of g.members) {
      await db.query(
        `INSERT INTO staging.scim_group_member (group_id, member_id, member_type, tenant_id, connection_id) VALUES ($1, $2, $3, $4, $5)`,
        [g.id, memberIdOf(m.key), m.type, TENANT, CONNECTION],
      );
    }
  }
}, 60_000);

afterAll(async () => {
  await db?.end();
  await isolated?.dispose();
});

// ---------------------------------------------------------------- helpers

const keyById = (): Map<string, string> =>
  new Map([...USERS.map((u) => [u.id, u.key] as const), ...GROUPS.map((g) => [g.id, g.key] as const)]);

async function runUsers(node: FilterNode): Promise<string[]> {
  const params: unknown[] = [CONNECTION];
  const where = compileScimFilter(node, userTarget, params);
  const { rows } = await db.query<{ id: string }>(
    `SELECT u.id FROM staging.scim_user u WHERE u.connection_id = $1 AND ${where}`,
    params,
  );
  const keys = keyById();
  return rows.map((r) => keys.get(r.id) ?? r.id).sort();
}

async function runGroups(node: FilterNode): Promise<string[]> {
  const params: unknown[] = [CONNECTION];
  const where = compileScimFilter(node, groupTarget, params);
  const { rows } = await db.query<{ id: string }>(
    `SELECT g.id FROM staging.scim_group g WHERE g.connection_id = $1 AND ${where}`,
    params,
  );
  const keys = keyById();
  return rows.map((r) => keys.get(r.id) ?? r.id).sort();
}

const users = (filter: string): Promise<string[]> => runUsers(parseFilter(filter));
const groups = (filter: string): Promise<string[]> => runGroups(parseFilter(filter));

function compileError(filter: string, target: SqlFilterTarget = userTarget): ScimError {
  try {
    compileScimFilter(parseFilter(filter), target, []);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error(`expected ${filter} to be rejected`);
}

// ---------------------------------------------------------------- the battery

describe(compileScimFilter.name, () => {
  const E = ENTERPRISE_URN;
  const T = TEST_EXT_URN;

  const userCases: () => ReadonlyArray<readonly [string, string[]]> = () => [
    // userName: lower(user_name), case-insensitive (RFC 7643 §4.1.1)
    ['userName eq "bjensen"', ['u1']],
    ['userName eq "jsmith"', ['u2']],
    ['USERNAME Eq "JSMITH"', ['u2']],
    [`${USER_URN}:userName sw "J"`, ['u2']],
    ['userName sw "user1"', f((n) => n >= 10 && n <= 19)],
    ['userName ew "back"', ['u4']],
    ['userName co "%"', ['u4']],
    ['userName co "_"', ['u4']],
    ['userName co "\\\\"', ['u4']],
    ['userName eq "O\'Malley"', ['u3']],
    ['userName sw O', ['u3']],
    ['userName ne "bjensen"', except('u1')],
    // Lexicographic, code-point order: "user9" > "user29", and "ümlaut" sorts after ASCII.
    ['userName gt "user29"', ['f09', 'f30', 'u5']],
    ['userName eq null', []],
    // externalId is caseExact
    ['externalId eq "ext-1"', ['u1']],
    ['externalId eq "EXT-1"', ['u6']],
    ['externalId sw "filler-1"', f((n) => n >= 10 && n <= 19)],
    ['externalId pr', except('u3', 'u4', 'u5', 'u7')],
    // displayName
    ['displayName eq "john smith"', ['u2']],
    ['displayName co "%"', ['u4']],
    ['displayName pr', except('u3', 'u6', 'u7')],
    // active
    ['active eq true', ['u1', 'u3', 'u4', 'u5', ...f((n) => n % 2 === 0)]],
    ['active eq "True"', ['u1', 'u3', 'u4', 'u5', ...f((n) => n % 2 === 0)]],
    ['active ne true', ['u2', 'u6', 'u7', ...f((n) => n % 2 === 1)]],
    ['active eq false', ['u2', 'u6', 'u7', ...f((n) => n % 2 === 1)]],
    // RFC 7644 §3.4.2.2 examples
    ['title pr', ['u1', 'u5']],
    ['title pr and userType eq "Employee"', ['u1']],
    ['title pr or userType eq "Intern"', ['u1', 'u2', 'u5']],
    [`schemas eq "${E}"`, ['u1', 'u2', 'u3', ...f(() => true)]],
    [`schemas eq "${E.toUpperCase()}"`, ['u1', 'u2', 'u3', ...f(() => true)]],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['u1', 'u3']],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      ['u4', 'u5', 'u6', 'u7', ...f(() => true)],
    ],
    ['userType eq "Employee" and (emails.type eq "work")', ['u1', 'u3']],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['u1', 'u3']],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['u1', 'u3']],
    ['name.familyName co "O\'Malley"', ['u3']],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', ALL_USERS],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', []],
    // multi-valued attributes and value paths
    ['emails[type eq "work"].value eq "JOHN@example.org"', ['u2']],
    ['emails[primary eq true]', ['u1', 'u3', ...f(() => true)]],
    ['emails[primary eq "True"].value co "example"', ['u1', 'u3']],
    ['emails pr', ['u1', 'u2', 'u3', 'u7', ...f(() => true)]], // u7's malformed object is a non-empty node
    ['emails.value ew "@acme.com"', f(() => true)],
    ['emails eq "babs@jensen.org"', ['u1']],
    ['emails ne "babs@jensen.org"', except('u1')],
    ['emails[type eq "work"] and not (emails[type eq "home"])', ['u2', 'u3', ...f(() => true)]],
    ['emails[not (type eq "work")]', ['u1']],
    ['emails.primary eq false', []],
    ['x509Certificates.value eq "TUlJ"', ['u5']],
    ['x509Certificates.value eq "tulj"', []],
    ['phoneNumbers pr', []],
    // complex singular
    ['name.givenName sw "bar"', ['u1']],
    ['name pr', ['u1', 'u3', 'u7']],
    ['not (title pr)', except('u1', 'u5')],
    ['title eq null', except('u1', 'u5')],
    ['title ne null', ['u1', 'u5']],
    ['title gt "U"', ['u5']],
    ['title lt "U"', ['u1', 'u3']],
    // meta dates with 7 fractional digits, compared at millisecond precision
    ['meta.created eq "2011-05-13T04:42:34.1234567Z"', ['u1']],
    ['meta.created eq "2011-05-13T04:42:34.123Z"', ['u1']],
    ['meta.created gt "2011-05-13T04:42:34.1234567Z"', except('u1')],
    ['meta.created ge "2011-05-13T04:42:34.1239Z"', ALL_USERS],
    ['meta.created le "2011-05-13T06:42:34.123+02:00"', ['u1']],
    ['meta.created lt "2011-05-13T04:42:34.123Z"', []],
    ['meta.created ge "2021-01-10T00:00:00+00:00" and meta.created lt "2021-01-12T00:00:00Z"', ['f18', 'f19']],
    ['meta.created ne "2011-05-13T04:42:34.123Z"', except('u1')],
    ['meta.lastModified lt "2012-01-01T00:00:00Z"', ['u1']],
    ['meta.resourceType eq "User"', ALL_USERS],
    ['meta.resourceType eq "Group"', []],
    ['meta.resourceType ne "Group"', ALL_USERS],
    ['meta pr', ALL_USERS],
    // id
    [`id eq "${idOf('u1')}"`, ['u1']],
    [`id eq "${idOf('u1').toUpperCase()}"`, ['u1']],
    ['id eq "not-a-uuid"', []],
    ['id ne "not-a-uuid"', ALL_USERS],
    [`id sw "${idOf('u2').slice(0, 13).toUpperCase()}"`, ['u2']],
    ['id pr', ALL_USERS],
    // enterprise extension, qualified and unqualified
    [`${E}:employeeNumber eq "701984"`, ['u1']],
    ['employeeNumber eq "42"', ['u2']],
    [`${E}:manager.value eq "m-9"`, ['u2']],
    // Entra's reference check compares the complex attribute itself (idp-dialects #8): by its value.
    [`${E}:manager eq "m-9"`, ['u2']],
    ['manager eq "m-9"', ['u2']],
    [`${E}:manager[value eq "m-9"]`, ['u2']],
    [`${E}:manager[not (value eq "m-9")]`, ['u1']],
    [`manager.value eq "${u2Id}"`, ['u1']],
    [`${E}:manager pr`, ['u1', 'u2']],
    [`${E}:department eq "eng"`, f((n) => n % 3 === 0)],
    [`${E}:department ne "eng"`, except(...f((n) => n % 3 === 0))],
    // typed test extension
    [`${T}:level gt 9`, ['u2', ...f((n) => n > 9)]],
    [`${T}:level eq 7`, ['u3']],
    [`${T}:level le 3`, ['u1']],
    [`${T}:level eq "10"`, ['u2', 'f10']],
    [`${T}:score lt 0`, ['u2']],
    [`${T}:score gt 1`, ['u1', 'u4']],
    [`${T}:hireDate gt "2014-12-31T21:00:00Z"`, ['u2', 'u5']],
    [`${T}:hireDate eq "2011-05-13T04:42:34.123Z"`, ['u1']],
    [`${T}:hireDate eq "2020-01-01T10:00:00Z"`, ['u5']],
    [`${T}:hireDate pr`, ['u1', 'u2', 'u3', 'u4', 'u5']],
    [`${T}:contractor eq true`, ['u2', 'u3']],
    [`${T}:contractor eq false`, ['u1']],
    [`${T}:contractor ne true`, except('u2', 'u3')],
    [`${T}:tags eq "RED"`, ['u1']],
    [`${T}:tags pr`, ['u1', 'u7']], // u7 holds a bare string
    [`${T}:tags ne "red"`, except('u1')],
    [`${T}:tags[value sw "gr"]`, ['u1']],
    [`${T}:badge eq "B-1"`, ['u1']],
    [`${T}:badge eq "b-1"`, []],
    // open (unresolvable) extension: keys travel as parameters
    [`${METADATA_URN}:costCode eq "cc-1"`, ['u2']],
    [`${METADATA_URN}:costCode pr`, ['u2']],
    [`${METADATA_URN}:costCode ne "cc-1"`, except('u2')],
    // group membership via staging.scim_group_member
    [`groups.value eq "${groupIdOf('g1')}"`, ['u1', 'u2']],
    [`groups eq "${groupIdOf('g2')}"`, ['u3']],
    ['groups pr', ['u1', 'u2', 'u3']],
    ['groups[display eq "group one"]', ['u1', 'u2']],
    ['groups[type eq "direct"]', ['u1', 'u2', 'u3']],
    ['groups.value eq "bad"', []],
    // logic
    ['not (userName eq "bjensen") and not (userName sw "user")', ['u2', 'u3', 'u4', 'u5', 'u6', 'u7']],
    ['(userName eq "bjensen" or userName eq "jsmith") and active eq true', ['u1']],
    ['not (not (userName eq "bjensen"))', ['u1']],
  ];

  it.each(userCases())('User filter %s', async (filter, expected) => {
    expect(await users(filter)).toEqual([...expected].sort());
  });

  it('matches non-ASCII userNames case-insensitively when the database ctype lowers them', async () => {
    const { rows } = await db.query<{ ok: boolean }>(`SELECT lower('Ü') = 'ü' AS ok`);
    const expected = rows[0].ok ? ['u5'] : [];
    expect(await users('userName eq "ümlaut"')).toEqual(expected);
    expect(await users('displayName eq "über"')).toEqual(expected);
  });

  const groupCases: () => ReadonlyArray<readonly [string, string[]]> = () => [
    ['displayName eq "group one"', ['g1']],
    [`${GROUP_URN}:displayName sw "GROUP"`, ['g1', 'g2']],
    ['externalId eq "gx-1"', ['g1']],
    [`members eq "${idOf('u1')}"`, ['g1']],
    [`members.value eq "${idOf('u3')}"`, ['g2']],
    [`members.value eq "${groupIdOf('g2')}"`, ['g1']],
    ['members[type eq "Group"]', ['g1']],
    [`members[value eq "${idOf('u2')}" and type eq "user"]`, ['g1']],
    ['members pr', ['g1', 'g2']],
    ['not (members pr)', ['g3']],
    ['members eq "nope"', []],
    [`members ne "${idOf('u3')}"`, ['g1', 'g3']],
    ['meta.resourceType eq "Group"', ['g1', 'g2', 'g3']],
    ['displayName ne "Empty"', ['g1', 'g2']],
  ];

  it.each(groupCases())('Group filter %s', async (filter, expected) => {
    expect(await groups(filter)).toEqual([...expected].sort());
  });

  describe('SQL shape', () => {
    it('compiles userName eq to exactly lower(alias.user_name) = $n with a lower-cased parameter', () => {
      const params: unknown[] = ['c1'];
      const sql = compileScimFilter(parseFilter('userName eq "BJensen"'), userTarget, params);
      expect(sql).toBe('(lower(u.user_name) = $2)');
      expect(params).toEqual(['c1', 'bjensen']);
    });

    it('compiles members to an EXISTS over staging.scim_group_member with a uuid parameter', () => {
      const params: unknown[] = [];
      const id = randomUUID();
      const sql = compileScimFilter(parseFilter(`members.value eq "${id}"`), groupTarget, params);
      expect(sql).toMatch(
        /^\(EXISTS \(SELECT 1 FROM staging\.scim_group_member (\w+) WHERE \1\.group_id = g\.id AND \1\.member_id = \$1::uuid\)\)$/,
      );
      expect(params).toEqual([id]);
    });

    it('compiles id eq with a non-UUID to FALSE without parameters', () => {
      const params: unknown[] = [];
      expect(compileScimFilter(parseFilter('id eq "abc"'), userTarget, params)).toBe('(FALSE)');
      expect(params).toEqual([]);
    });

    it('escapes LIKE metacharacters in the parameter, never in the SQL text', () => {
      const params: unknown[] = [];
      const sql = compileScimFilter(parseFilter('title co "50%_off\\\\"'), userTarget, params);
      expect(sql).toBe("(lower(u.resource ->> 'title') LIKE $1 ESCAPE E'\\\\')");
      expect(params).toEqual(['%50\\%\\_off\\\\%']);
    });

    it('never puts client values or unknown attribute names into the SQL text', () => {
      const evil = `x'); DROP TABLE staging.scim_user; --`;
      const filters = [
        `title eq "${evil.replace(/"/g, '\\"')}"`,
        `${METADATA_URN}:costCode eq "${evil}"`,
        `emails[value co "${evil}"]`,
        `urn:evil:ext'x:2.0:User:bad_key eq "${evil}"`,
      ];
      for (const filter of filters) {
        const params: unknown[] = [];
        const sql = compileScimFilter(parseFilter(filter), userTarget, params);
        expect(sql).not.toContain('DROP');
        expect(sql).not.toContain("ext'x");
        expect(sql).not.toContain('costCode');
        expect(params.length).toBeGreaterThan(0);
      }
    });

    it('produces a fresh parameter numbering continuation for the caller', () => {
      const params: unknown[] = ['a', 'b', 'c'];
      const sql = compileScimFilter(parseFilter('title eq "x" and userType eq "y"'), userTarget, params);
      expect(sql).toContain('$4');
      expect(sql).toContain('$5');
      expect(params).toEqual(['a', 'b', 'c', 'x', 'y']);
    });
  });

  describe('compile-time errors', () => {
    it.each([
      ['bogus eq "x"', /unknown attribute 'bogus'/],
      [`${USER_URN}:bogus eq "x"`, /unknown attribute/],
      [`${GROUP_URN}:displayName eq "x"`, /unknown attribute/],
      ['name.bogus eq "x"', /unknown sub-attribute|unknown attribute/],
      ['emails[bogus eq "x"]', /unknown sub-attribute 'bogus'/],
      ['userName.x eq "x"', /has no sub-attribute/],
      ['active gt true', /'gt' is not defined for boolean/],
      ['active co "t"', /'co' is not defined for boolean/],
      ['active eq "maybe"', /boolean/],
      ['meta.created gt "yesterday"', /dateTime/],
      ['meta.created gt "2011-02-30T00:00:00Z"', /dateTime/],
      ['meta.created co "2011"', /'co' is not defined for dateTime/],
      ['meta.location eq "x"', /cannot be used/],
      ['meta eq "x"', /complex attribute 'meta'/],
      ['name eq "x"', /complex attribute 'name'/],
      [`${T}:level co 1`, /'co' is not defined for number/],
      [`${T}:level gt "ten"`, /numeric/],
      ['x509Certificates.value gt "A"', /'gt' is not defined for binary/],
      ['title gt null', /cannot be used with null/],
      ['title eq "a\\u0000b"', /NUL/],
      ['userName[value eq "x"]', /value filter needs a multi-valued or complex attribute/],
      ['emails[value.x eq "y"]', /use plain sub-attribute names/],
      ['groups.$ref eq "x"', /cannot be used/],
    ])('rejects %s with invalidFilter', (filter, message) => {
      const error = compileError(filter);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.message).toMatch(message);
    });

    it('rejects nested value paths built by hand', () => {
      const node: FilterNode = {
        kind: 'valuePath',
        path: { attr: 'emails' },
        filter: { kind: 'valuePath', path: { attr: 'type' }, filter: { kind: 'present', path: { attr: 'value' } } },
      };
      expect(() => compileScimFilter(node, userTarget, [])).toThrow(/nested value filters/);
    });

    it('rejects group-only attributes on users and vice versa', () => {
      expect(compileError('members pr').scimType).toBe('invalidFilter');
      expect(compileError('userName eq "x"', groupTarget).scimType).toBe('invalidFilter');
    });
  });
});

describe(compileSortExpression.name, () => {
  async function sorted(sortBy: string, order: 'ASC' | 'DESC' = 'ASC', filter = 'userName pr'): Promise<string[]> {
    const params: unknown[] = [CONNECTION];
    const where = compileScimFilter(parseFilter(filter), userTarget, params);
    const orderBy = compileSortExpression(parseAttrPath(sortBy), userTarget);
    const { rows } = await db.query<{ id: string }>(
      `SELECT u.id FROM staging.scim_user u WHERE u.connection_id = $1 AND ${where} ORDER BY ${orderBy} ${order}, u.id`,
      params,
    );
    const keys = keyById();
    return rows.map((r) => keys.get(r.id) ?? r.id);
  }

  it('sorts userName case-insensitively with the indexed expression', async () => {
    expect(compileSortExpression({ attr: 'userName' }, userTarget)).toBe('lower(u.user_name)');
    expect(
      await sorted('userName', 'ASC', 'userName eq "jsmith" or userName eq "bjensen" or userName eq "nobody"'),
    ).toEqual(['u1', 'u2', 'u6']);
  });

  it('sorts by meta.created and puts missing values last ascending (RFC 7644 §3.4.2.3)', async () => {
    expect(compileSortExpression({ attr: 'meta', subAttr: 'created' }, userTarget)).toBe('u.created_at');
    const titles = await sorted(
      'title',
      'ASC',
      'userName eq "bjensen" or userName eq "nobody" or userName eq "Ümlaut" or userName eq "O\'Malley"',
    );
    expect(titles).toEqual(['u3', 'u1', 'u5', 'u6']); // "" < "tour guide" < "vp" < (none)
  });

  it('sorts a multi-valued attribute by its primary value, else the first', async () => {
    expect(
      await sorted('emails', 'ASC', 'userName eq "bjensen" or userName eq "jsmith" or userName eq "user9"'),
    ).toEqual(['u1', 'u2', 'f09']);
    // u2 has no ims: descending puts missing values first (RFC 7644 §3.4.2.3).
    expect(await sorted('ims.value', 'DESC', 'userName eq "bjensen" or userName eq "jsmith"')).toEqual(['u2', 'u1']);
  });

  it('sorts by typed extension attributes', async () => {
    expect(
      await sorted(
        `${TEST_EXT_URN}:level`,
        'DESC',
        'userName eq "bjensen" or userName eq "jsmith" or userName eq "O\'Malley"',
      ),
    ).toEqual(['u2', 'u3', 'u1']);
    expect(
      await sorted(
        `${TEST_EXT_URN}:hireDate`,
        'ASC',
        'userName eq "bjensen" or userName eq "jsmith" or userName eq "O\'Malley"',
      ),
    ).toEqual(['u1', 'u2', 'u3']);
    // u1's manager is a uuid (hex digits), u2's is "m-9": "m" sorts after every hex digit.
    expect(
      await sorted(`${ENTERPRISE_URN}:manager.value`, 'ASC', 'userName eq "bjensen" or userName eq "jsmith"'),
    ).toEqual(['u1', 'u2']);
  });

  it('sorts by group membership and by constants without SQL errors', async () => {
    expect(await sorted('groups', 'ASC')).toHaveLength(ALL_USERS.length);
    expect(await sorted('meta.resourceType', 'ASC')).toHaveLength(ALL_USERS.length);
    expect(await sorted('id', 'ASC')).toHaveLength(ALL_USERS.length);
  });

  it.each([
    ['bogus', /unknown attribute/],
    ['name', /complex attribute 'name'/],
    [`${METADATA_URN}:costCode`, /unknown attribute/],
    ['meta', /complex attribute/],
    ['meta.version', /cannot be used/],
  ])('rejects sortBy=%s with invalidValue', (sortBy, message) => {
    try {
      compileSortExpression(parseAttrPath(sortBy), userTarget);
      throw new Error('expected a ScimError');
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).scimType).toBe('invalidValue');
      expect((error as ScimError).message).toMatch(message);
    }
  });
});

describe('index usage', () => {
  beforeAll(async () => {
    await db.query(
      `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, external_id, display_name, active, resource)
       SELECT gen_random_uuid(), $1, 'bulk', 'User' || i || '@Bulk.example', 'ext-' || i, 'Bulk ' || i, i % 2 = 0,
              jsonb_build_object('userName', 'User' || i || '@Bulk.example', 'emails', jsonb_build_array(jsonb_build_object('value', 'user' || i || '@bulk.example', 'type', 'work')))
       FROM generate_series(1, 20000) AS i`,
      [TENANT],
    );
    await db.query('ANALYZE staging.scim_user');
  }, 60_000);

  async function plan(filter: string): Promise<string> {
    const params: unknown[] = ['bulk'];
    const where = compileScimFilter(parseFilter(filter), userTarget, params);
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT u.id FROM staging.scim_user u WHERE u.connection_id = $1 AND u.deleted_at IS NULL AND ${where}`,
      params,
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  it('uses the (connection_id, lower(user_name)) index for userName eq', async () => {
    const text = await plan('userName eq "user123@bulk.example"');
    expect(text).toMatch(
      /(Index Scan using|Index Only Scan using|Bitmap Index Scan on) scim_user__connection_id_user_name__uq/,
    );
    const params: unknown[] = ['bulk'];
    const where = compileScimFilter(parseFilter('userName eq "USER123@BULK.EXAMPLE"'), userTarget, params);
    const { rows } = await db.query(
      `SELECT u.id FROM staging.scim_user u WHERE u.connection_id = $1 AND ${where}`,
      params,
    );
    expect(rows).toHaveLength(1);
  });

  it('estimates userName eq at one row (statistics on lower(user_name); the partial index alone gives 0.5 % of the table)', async () => {
    const scan = (await plan('userName eq "user123@bulk.example"'))
      .split('\n')
      .find((l) => /scim_user__connection_id_user_name__uq/.test(l))!;
    expect(Number(/rows=(\d+)/.exec(scan)![1])).toBeLessThanOrEqual(2);
  });

  it('uses the (connection_id, external_id) index for externalId eq', async () => {
    expect(await plan('externalId eq "ext-77"')).toMatch(/Index Scan|Bitmap Index Scan/);
  });

  it('uses the primary key for id eq', async () => {
    expect(await plan(`id eq "${randomUUID()}"`)).toMatch(/Index Scan|Bitmap Index Scan/);
  });
});

// ---------------------------------------------------------------- property tests

const USER_PATHS: AttrPath[] = [
  { attr: 'userName' },
  { attr: 'displayName' },
  { attr: 'externalId' },
  { attr: 'active' },
  { attr: 'title' },
  { attr: 'userType' },
  { attr: 'name' },
  { attr: 'name', subAttr: 'givenName' },
  { attr: 'name', subAttr: 'familyName' },
  { attr: 'emails' },
  { attr: 'emails', subAttr: 'value' },
  { attr: 'emails', subAttr: 'type' },
  { attr: 'emails', subAttr: 'primary' },
  { attr: 'ims', subAttr: 'value' },
  { attr: 'x509Certificates', subAttr: 'value' },
  { schema: USER_URN, attr: 'title' },
  { schema: ENTERPRISE_URN, attr: 'employeeNumber' },
  { schema: ENTERPRISE_URN, attr: 'department' },
  { schema: ENTERPRISE_URN, attr: 'manager' },
  { schema: ENTERPRISE_URN, attr: 'manager', subAttr: 'value' },
  { schema: TEST_EXT_URN, attr: 'level' },
  { schema: TEST_EXT_URN, attr: 'score' },
  { schema: TEST_EXT_URN, attr: 'hireDate' },
  { schema: TEST_EXT_URN, attr: 'contractor' },
  { schema: TEST_EXT_URN, attr: 'tags' },
  { schema: TEST_EXT_URN, attr: 'badge' },
];
/** Paths whose semantics live in columns / other tables: SQL-only, the evaluator cannot see them. */
const SQL_ONLY_USER_PATHS: AttrPath[] = [
  { attr: 'id' },
  { attr: 'meta', subAttr: 'created' },
  { attr: 'meta', subAttr: 'lastModified' },
  { attr: 'meta', subAttr: 'resourceType' },
  { attr: 'meta' },
  { attr: 'schemas' },
  { attr: 'groups' },
  { attr: 'groups', subAttr: 'display' },
  { attr: 'employeeNumber' },
  { schema: METADATA_URN, attr: 'costCode' },
  { attr: 'bogus' },
];
const VALUE_PATHS: Array<{ path: AttrPath; subs: string[] }> = [
  { path: { attr: 'emails' }, subs: ['value', 'type', 'primary', 'display'] },
  { path: { attr: 'ims' }, subs: ['value', 'type'] },
  { path: { attr: 'addresses' }, subs: ['locality', 'type', 'primary'] },
  { path: { schema: ENTERPRISE_URN, attr: 'manager' }, subs: ['value', 'displayName'] },
  { path: { schema: TEST_EXT_URN, attr: 'tags' }, subs: ['value'] },
];

const valueArb: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(
    'work',
    'WORK',
    'bjensen',
    'example',
    '%',
    '_',
    '\\',
    "'",
    '"',
    'True',
    'false',
    '10',
    '7',
    '-1',
    '1e5',
    'Ümlaut',
    '',
  ),
  fc.constantFrom(
    '2011-05-13T04:42:34.1234567Z',
    '2015-01-01T00:00:00+02:00',
    '2021-01-10',
    '2011-02-30T00:00:00Z',
    'not a date',
  ),
  fc.uuid().map((u) => u),
  fc.constantFrom(...USERS.slice(0, 3).map((u) => u.id)),
  fc.integer({ min: -20, max: 40 }),
  fc.double({ min: -100, max: 100, noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const opArb = fc.constantFrom<CompareOp>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');

function treeArb(leaves: fc.Arbitrary<FilterNode>, maxDepth: number): fc.Arbitrary<FilterNode> {
  return fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth, depthSize: 'small' },
      leaves,
      fc.tuple(tie('node'), tie('node')).map(([left, right]): FilterNode => ({ kind: 'and', left, right })),
      fc.tuple(tie('node'), tie('node')).map(([left, right]): FilterNode => ({ kind: 'or', left, right })),
      tie('node').map((expr): FilterNode => ({ kind: 'not', expr })),
    ),
  })).node;
}

function leafArb(paths: fc.Arbitrary<AttrPath>): fc.Arbitrary<FilterNode> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record({ path: paths, op: opArb, value: valueArb })
        .map((c): FilterNode => ({ kind: 'compare', ...c })),
    },
    { weight: 1, arbitrary: paths.map((path): FilterNode => ({ kind: 'present', path })) },
  );
}

function filterArb(paths: AttrPath[]): fc.Arbitrary<FilterNode> {
  const valuePathArb = fc.constantFrom(...VALUE_PATHS).chain(({ path, subs }) =>
    treeArb(leafArb(fc.constantFrom(...subs).map((attr) => ({ attr }))), 2).map((filter): FilterNode => ({
      kind: 'valuePath',
      path,
      filter,
    })),
  );
  return treeArb(
    fc.oneof({ weight: 4, arbitrary: leafArb(fc.constantFrom(...paths)) }, { weight: 1, arbitrary: valuePathArb }),
    4,
  );
}

/** Leaf definitions for the in-memory evaluator, resolved against the same fake schema. */
const evaluatorCtx = {
  resolve(path: AttrPath): ScimAttributeDef | undefined {
    if (path.attr.toLowerCase() === 'externalid' && path.subAttr === undefined)
      return attr('externalId', 'string', { caseExact: true });
    const resolved = resolveUser(path);
    return resolved?.sub ?? resolved?.def;
  },
};

describe('compileScimFilter properties', () => {
  it('random valid filters either fail to compile with invalidFilter or run without a database error', async () => {
    await fc.assert(
      fc.asyncProperty(filterArb([...USER_PATHS, ...SQL_ONLY_USER_PATHS]), async (node) => {
        const params: unknown[] = [CONNECTION];
        let where: string;
        try {
          where = compileScimFilter(node, userTarget, params);
        } catch (error) {
          if (error instanceof ScimError && error.scimType === 'invalidFilter') return;
          throw error;
        }
        await db.query(`SELECT count(*) FROM staging.scim_user u WHERE u.connection_id = $1 AND ${where}`, params);
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('random group filters either fail to compile with invalidFilter or run without a database error', async () => {
    const groupPaths: AttrPath[] = [
      { attr: 'displayName' },
      { attr: 'externalId' },
      { attr: 'members' },
      { attr: 'members', subAttr: 'value' },
      { attr: 'members', subAttr: 'type' },
      { attr: 'members', subAttr: 'display' },
      { attr: 'meta', subAttr: 'created' },
      { attr: 'id' },
    ];
    await fc.assert(
      fc.asyncProperty(treeArb(leafArb(fc.constantFrom(...groupPaths)), 3), async (node) => {
        const params: unknown[] = [CONNECTION];
        let where: string;
        try {
          where = compileScimFilter(node, groupTarget, params);
        } catch (error) {
          if (error instanceof ScimError && error.scimType === 'invalidFilter') return;
          throw error;
        }
        await db.query(`SELECT count(*) FROM staging.scim_group g WHERE g.connection_id = $1 AND ${where}`, params);
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('agrees with the in-memory evaluator on the JSON attributes of every fixture user', async () => {
    const wellFormed = USERS.filter((u) => u.key !== 'u7'); // u7 holds deliberately malformed shapes
    await fc.assert(
      fc.asyncProperty(filterArb(USER_PATHS), async (node) => {
        let sqlError: unknown;
        let sqlKeys: string[] = [];
        try {
          sqlKeys = await runUsers(node);
        } catch (error) {
          sqlError = error;
        }
        let evalError: unknown;
        let evalKeys: string[] = [];
        try {
          evalKeys = wellFormed
            .filter((u) => matchesFilter(u.resource, node, evaluatorCtx))
            .map((u) => u.key)
            .sort();
        } catch (error) {
          evalError = error;
        }
        // PostgreSQL text cannot hold NUL, so only the SQL side refuses such values.
        if (sqlError instanceof ScimError && /NUL/.test(sqlError.message)) return;
        if (sqlError !== undefined || evalError !== undefined) {
          expect(sqlError).toBeInstanceOf(ScimError);
          expect(evalError).toBeInstanceOf(ScimError);
          return;
        }
        expect({ filter: printFilter(node), keys: sqlKeys.filter((k) => k !== 'u7') }).toEqual({
          filter: printFilter(node),
          keys: evalKeys,
        });
      }),
      { numRuns: 400 },
    );
  }, 120_000);
});
