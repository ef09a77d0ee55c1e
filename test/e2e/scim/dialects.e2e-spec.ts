import { request as httpRequest } from 'node:http';
import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import type { HttpResult } from '../../utils/http-client';
import { expectEventually } from '../../utils/expect-eventually';
import { patchOp, ScimClient } from '../../utils/scim-client';
import {
  loadScimFixtures,
  placeholdersOf,
  substitute,
  type FixturePlaceholder,
  type LoadedFixture,
} from '../../utils/scim-fixtures';

/**
 * Replays every recorded IdP request of test/fixtures/scim over real HTTP against a fresh
 * connection and checks what it did, not only its status (idp-dialects.md: "every numbered item
 * deserves a recorded fixture and a test"). The `it`s come from the directory listing; every fixture
 * needs an entry in SCENARIOS, and every entry needs its fixture.
 */

/** 49 Entra + 11 Okta. A deleted (or added) fixture changes this number on purpose. */
const EXPECTED_FIXTURE_COUNT = 60;

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER_EXT = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const FOLDERS_EXT = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
const TAG_EXT = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const METADATA_EXT = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const SJ_EXT = 'urn:ietf:params:scim:schemas:extension:SJUserAttributes:2.0:User';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const OKTA_PASSWORDS = ['1mz050nq', 't1meMa$heen', 'n3wP@ssw0rd'];
/** The id the unknown-reference fixtures name: no resource of any connection has it. */
const UNKNOWN_ID = '0d3e4c52-9a51-4d6b-8f3a-5b1c2d3e4f50';

const FIXTURES = loadScimFixtures();

interface AdminUserRow {
  id: string;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  email: string | null;
  active: boolean;
  deleted: boolean;
}

interface AdminGroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  memberCount: number;
  deleted: boolean;
}

/** What one replay knows: the connection, the ids behind the placeholders, extra resources, the answer. */
interface ReplayContext {
  readonly t: TestApp;
  readonly conn: TenantFixture;
  /** Prerequisites are created with scim+json; only the replayed request uses the dialect's content type. */
  readonly scim: ScimClient;
  readonly ids: Record<FixturePlaceholder, string>;
  /** Resources a scenario's `arrange` created beside the placeholders (e.g. a bystander member). */
  readonly extra: Record<string, string>;
  readonly contentType: string;
  res: HttpResult;
}

interface Scenario {
  /** Overrides of the Entra-shaped body the `{userId}` user is created with. */
  readonly user?: (c: ReplayContext) => Record<string, unknown>;
  /** State the fixture acts on, created after the placeholders and before the replay. */
  readonly arrange?: (c: ReplayContext) => Promise<void>;
  /** The effect, checked after the status. */
  readonly effect: (c: ReplayContext) => Promise<void> | void;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function expectStatus(res: HttpResult, status: number): void {
  const context = `${res.status} ${res.text.slice(0, 600)}`;
  expect({ status: res.status, context }).toEqual({ status, context });
}

async function createUser(
  c: Pick<ReplayContext, 'scim' | 'conn'>,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const res = await c.scim.post('/Users', entraUser(overrides, c.conn.domain));
  expectStatus(res, 201);
  return res.body.id as string;
}

async function createGroup(c: Pick<ReplayContext, 'scim'>, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await c.scim.post('/Groups', entraGroup(overrides));
  expectStatus(res, 201);
  return res.body.id as string;
}

async function addMembers(c: Pick<ReplayContext, 'scim'>, groupId: string, ...userIds: string[]): Promise<void> {
  const res = await c.scim.patch(
    `/Groups/${groupId}`,
    patchOp({ op: 'add', path: 'members', value: userIds.map((value) => ({ value })) }),
  );
  expectStatus(res, 204);
  expect(await memberIds(c, groupId)).toEqual(expect.arrayContaining(userIds));
}

async function getUser(c: Pick<ReplayContext, 'scim'>, id: string): Promise<Record<string, any>> {
  const res = await c.scim.get(`/Users/${id}`);
  expectStatus(res, 200);
  expectCanonical(res.body);
  return res.body;
}

async function getGroup(c: Pick<ReplayContext, 'scim'>, id: string): Promise<Record<string, any>> {
  const res = await c.scim.get(`/Groups/${id}`);
  expectStatus(res, 200);
  expectCanonical(res.body);
  return res.body;
}

async function memberIds(c: Pick<ReplayContext, 'scim'>, groupId: string): Promise<string[]> {
  const g = await getGroup(c, groupId);
  return ((g.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
}

async function adminUsers(c: ReplayContext): Promise<AdminUserRow[]> {
  const res = await c.t.admin.get(`/admin/v1/scim-connections/${c.conn.connectionId}/scim-users`);
  expectStatus(res, 200);
  return res.body.items;
}

async function adminUser(c: ReplayContext, id: string): Promise<AdminUserRow> {
  const row = (await adminUsers(c)).find((u) => u.id === id);
  if (!row) throw new Error(`user ${id} is not staged`);
  return row;
}

async function adminGroup(c: ReplayContext, id: string): Promise<AdminGroupRow> {
  const res = await c.t.admin.get(`/admin/v1/scim-connections/${c.conn.connectionId}/scim-groups`);
  expectStatus(res, 200);
  const row = (res.body.items as AdminGroupRow[]).find((g) => g.id === id);
  if (!row) throw new Error(`group ${id} is not staged`);
  return row;
}

async function storedUserRow(c: ReplayContext, id: string): Promise<{ resource: unknown; raw_payload: unknown }> {
  const rows = await c.t.dataSource.query(
    `SELECT resource, raw_payload FROM staging.scim_user WHERE id = $1 AND connection_id = $2`,
    [id, c.conn.connectionId],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

/** JSON paths of every null, every dotted top-level key and every flat `urn:…:attr` key. */
function shapeProblems(resource: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (v === null) problems.push(`null at ${path}`);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k.toLowerCase() === 'password') problems.push(`password at ${path}.${k}`);
        walk(x, `${path}.${k}`);
      }
    }
  };
  walk(resource, '$');
  for (const [k, v] of Object.entries(resource)) {
    if (k.startsWith('urn:') && (typeof v !== 'object' || v === null || Array.isArray(v)))
      problems.push(`flat URN key ${k}`);
    if (!k.startsWith('urn:') && k.includes('.')) problems.push(`dotted key ${k}`);
  }
  return problems;
}

/** What any resource Roster returns must look like, whatever dialect wrote it. */
function expectCanonical(resource: Record<string, unknown>): void {
  expect(shapeProblems(resource)).toEqual([]);
  expect(typeof resource.id).toBe('string');
  for (const key of Object.keys(resource).filter((k) => k.startsWith('urn:'))) expect(resource.schemas).toContain(key);
}

const enterprise = (u: Record<string, any>) => (u[ENTERPRISE] ?? {}) as Record<string, any>;
const workEmails = (u: Record<string, any>) =>
  ((u.emails ?? []) as Array<Record<string, any>>).filter((e) => e.type === 'work');

/** Password keys or Okta's test passwords anywhere in a stored document. */
function passwordLeaks(doc: unknown): string[] {
  const text = JSON.stringify(doc ?? null);
  const leaks = OKTA_PASSWORDS.filter((p) => text.includes(p));
  if (/"(?:[^"]*:)?password"\s*:/i.test(text)) leaks.push('a "password" key');
  return leaks;
}

async function expectNoStoredPassword(c: ReplayContext, id: string): Promise<void> {
  const row = await storedUserRow(c, id);
  expect({ resource: passwordLeaks(row.resource), raw_payload: passwordLeaks(row.raw_payload) }).toEqual({
    resource: [],
    raw_payload: [],
  });
}

interface AuditEntry {
  action: string;
  target: { type: string; id: string } | null;
  details: Record<string, any>;
  actor: { type: string; connectionId?: string };
}

/** The tenant's `scim_reference.ignored` audit entries, once the outbox delivered them. */
async function ignoredReferenceEntries(c: ReplayContext, count: number): Promise<AuditEntry[]> {
  let items: AuditEntry[] = [];
  await expectEventually(
    async () => {
      await c.t.drainOutbox();
      const res = await c.t.admin.get(
        `/admin/v1/audit-events?limit=100&tenantId=${c.conn.tenantId}&action=scim_reference.ignored`,
      );
      expectStatus(res, 200);
      items = res.body.items;
      expect(items).toHaveLength(count);
    },
    15_000,
    50,
  );
  return items;
}

async function deactivate(c: ReplayContext, id: string): Promise<void> {
  expectStatus(await c.scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false })), 204);
  expect((await getUser(c, id)).active).toBe(false);
}

/** The created resource of a POST, checked for `id`, `Location` and the GET round-trip. */
async function created(c: ReplayContext, endpoint: 'Users' | 'Groups'): Promise<Record<string, any>> {
  expect(typeof c.res.body.id).toBe('string');
  expect(c.res.headers.get('location')).toBe(
    `${c.t.env.PUBLIC_URL}/scim/v2/${c.conn.connectionId}/${endpoint}/${c.res.body.id}`,
  );
  expectCanonical(c.res.body);
  const got = endpoint === 'Users' ? await getUser(c, c.res.body.id) : await getGroup(c, c.res.body.id);
  expect(got.meta.resourceType).toBe(endpoint === 'Users' ? 'User' : 'Group');
  return got;
}

async function expectActive(c: ReplayContext, id: string, active: boolean): Promise<void> {
  const u = await getUser(c, id);
  expect(u.active).toBe(active); // a JSON boolean, never "False"
  expect((await adminUser(c, id)).active).toBe(active);
}

// ---------------------------------------------------------------------------------------------
// Effects per fixture
// ---------------------------------------------------------------------------------------------

const SCENARIOS: Record<string, Scenario> = {
  // ----------------------------------------------------------------------------------- Entra
  'entra/get-group-excluded-members.json': {
    arrange: async (c) => {
      c.extra.member = await createUser(c);
      await addMembers(c, c.ids.groupId, c.extra.member);
    },
    effect: async (c) => {
      expect(c.res.body.id).toBe(c.ids.groupId);
      expect(c.res.body.schemas).toEqual([CORE_GROUP]);
      expect(typeof c.res.body.displayName).toBe('string');
      expect(c.res.body.meta.resourceType).toBe('Group');
      expect(c.res.body).not.toHaveProperty('members');
      // The group does have a member: only the projection left it out.
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.extra.member]);
    },
  },
  'entra/get-schemas-discovery.json': {
    effect: (c) => {
      const body = c.res.body;
      expect(body.schemas).toEqual([LIST_RESPONSE]);
      expect(
        Number.isInteger(body.totalResults) && Number.isInteger(body.startIndex) && Number.isInteger(body.itemsPerPage),
      ).toBe(true);
      expect(body.totalResults).toBe(body.Resources.length);
      const ids = (body.Resources as Array<{ id: string }>).map((r) => r.id);
      expect(ids).toEqual(
        expect.arrayContaining([CORE_USER, CORE_GROUP, ENTERPRISE, ROSTER_EXT, FOLDERS_EXT, TAG_EXT]),
      );
      const nulls: string[] = [];
      const enums: string[] = [];
      const walk = (v: unknown, path: string) => {
        if (v === null) nulls.push(path);
        else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
        else if (typeof v === 'object') {
          const o = v as Record<string, unknown>;
          if ('mutability' in o && !['readOnly', 'readWrite', 'immutable', 'writeOnly'].includes(String(o.mutability)))
            enums.push(`${path}.mutability`);
          if ('returned' in o && !['always', 'never', 'default', 'request'].includes(String(o.returned)))
            enums.push(`${path}.returned`);
          if ('uniqueness' in o && !['none', 'server', 'global'].includes(String(o.uniqueness)))
            enums.push(`${path}.uniqueness`);
          for (const [k, x] of Object.entries(o)) walk(x, `${path}.${k}`);
        }
      };
      walk(body, '$');
      expect({ nulls, enums }).toEqual({ nulls: [], enums: [] });
      const user = body.Resources.find((r: { id: string }) => r.id === CORE_USER);
      expect(user.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({
        type: 'string',
        multiValued: false,
        required: true,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
        uniqueness: 'server',
      });
    },
  },
  'entra/patch-group-add-members-ref-null.json': {
    effect: async (c) => {
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.ids.memberId]);
      const member = await getUser(c, c.ids.memberId);
      expect(member.groups.map((g: { value: string }) => g.value)).toEqual([c.ids.groupId]);
      expect((await adminGroup(c, c.ids.groupId)).memberCount).toBe(1);
    },
  },
  'entra/patch-group-add-multiple-members.json': {
    effect: async (c) => {
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.ids.memberId, c.ids.userId].sort());
      expect((await adminGroup(c, c.ids.groupId)).memberCount).toBe(2);
    },
  },
  'entra/patch-group-remove-absent-member.json': {
    arrange: async (c) => {
      c.extra.bystander = await createUser(c);
      await addMembers(c, c.ids.groupId, c.extra.bystander);
    },
    effect: async (c) => {
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.extra.bystander]);
      expect((await getUser(c, c.ids.userId)).groups).toBeUndefined();
    },
  },
  'entra/patch-group-remove-member-filter.json': {
    arrange: async (c) => {
      c.extra.bystander = await createUser(c);
      await addMembers(c, c.ids.groupId, c.ids.memberId, c.extra.bystander);
    },
    effect: async (c) => {
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.extra.bystander]);
      expect((await getUser(c, c.ids.memberId)).groups).toBeUndefined();
    },
  },
  'entra/patch-group-remove-member-value-list.json': {
    arrange: async (c) => {
      c.extra.bystander = await createUser(c);
      await addMembers(c, c.ids.groupId, c.ids.memberId, c.extra.bystander);
    },
    effect: async (c) => {
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.extra.bystander]);
      expect((await adminGroup(c, c.ids.groupId)).memberCount).toBe(1);
    },
  },
  'entra/patch-group-replace-display-name.json': {
    effect: async (c) => {
      const name = '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName';
      expect((await getGroup(c, c.ids.groupId)).displayName).toBe(name);
      expect((await adminGroup(c, c.ids.groupId)).displayName).toBe(name);
      const found = await c.scim.get(
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${name}"`)}`,
      );
      expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual([c.ids.groupId]);
    },
  },
  'entra/patch-user-active-boolean-aadopt.json': {
    effect: (c) => expectActive(c, c.ids.userId, false),
  },
  'entra/patch-user-active-string-False.json': {
    effect: (c) => expectActive(c, c.ids.userId, false),
  },
  'entra/patch-user-active-string-True.json': {
    arrange: (c) => deactivate(c, c.ids.userId),
    effect: (c) => expectActive(c, c.ids.userId, true),
  },
  'entra/patch-user-active-string-false-lowercase.json': {
    effect: (c) => expectActive(c, c.ids.userId, false),
  },
  'entra/patch-user-add-active.json': {
    effect: (c) => expectActive(c, c.ids.userId, false),
  },
  'entra/patch-user-add-mobile-phone.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }]);
    },
  },
  'entra/patch-user-add-work-email-missing.json': {
    user: (c) => ({ emails: [{ type: 'home', value: `home@${c.conn.domain}`, primary: true }] }),
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(workEmails(u)).toEqual([{ type: 'work', value: 'new.work@joe.com' }]);
      expect(u.emails).toContainEqual({ type: 'home', value: `home@${c.conn.domain}`, primary: true });
      // Staging's email column follows the work email.
      expect((await adminUser(c, c.ids.userId)).email).toBe('new.work@joe.com');
    },
  },
  'entra/patch-user-capitalised-ops.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u).toMatchObject({
        displayName: 'Pvlo',
        externalId: 'Eqpj',
        nickName: 'Babs',
        name: { givenName: 'Gtfd', familyName: 'Pkqf' },
      });
      expect(workEmails(u).map((e) => e.value)).toEqual(['TestBcwqnm@test.microsoft.com']);
      expect(enterprise(u).employeeNumber).toBe('Eqpj');
      expect(await adminUser(c, c.ids.userId)).toMatchObject({
        displayName: 'Pvlo',
        externalId: 'Eqpj',
        email: 'testbcwqnm@test.microsoft.com',
      });
    },
  },
  'entra/patch-user-custom-extension-folders.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u[FOLDERS_EXT]).toEqual({ folders: ['Folder 1', 'Folder 2'] });
      expect(u.schemas).toContain(FOLDERS_EXT);
    },
  },
  'entra/patch-user-custom-extension-tag.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u[TAG_EXT]).toEqual({ tag: '701985' });
    },
  },
  'entra/patch-user-legacy-dot-extension-path.json': {
    user: () => ({ [ENTERPRISE]: { department: 'Engineering', employeeNumber: '1001' } }),
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(enterprise(u)).toEqual({ department: 'Sales', employeeNumber: '1001' });
      expect(Object.keys(u).filter((k) => k.startsWith('urn:'))).toEqual([ENTERPRISE]);
    },
  },
  'entra/patch-user-manager-array-form.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(enterprise(u).manager).toEqual({ value: c.ids.managerId });
    },
  },
  'entra/patch-user-manager-bare-string.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(enterprise(u).manager).toEqual({ value: c.ids.managerId });
    },
  },
  'entra/patch-user-manager-remove-by-filter.json': {
    arrange: async (c) => {
      expectStatus(
        await c.scim.patch(
          `/Users/${c.ids.userId}`,
          patchOp({ op: 'add', path: 'manager', value: { value: c.ids.managerId } }),
        ),
        204,
      );
      expect(enterprise(await getUser(c, c.ids.userId)).manager).toEqual({ value: c.ids.managerId });
    },
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(enterprise(u)).not.toHaveProperty('manager');
      expect(enterprise(u).department).toBe('Sales');
    },
  },
  'entra/patch-user-metadata-flat-urn-path.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u[METADATA_EXT]).toEqual({ costCode: 'CC-9' });
    },
  },
  'entra/patch-user-pathless-dotted-urn-keys.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u).toMatchObject({ displayName: 'Bjfe', active: false, name: { givenName: 'Kkom', familyName: 'Unua' } });
      expect(u).not.toHaveProperty(['name.givenName']);
      expect(workEmails(u).map((e) => e.value)).toEqual(['TestMhvaes@test.microsoft.com']);
      expect(enterprise(u).employeeNumber).toBe('Aklq');
      expect((await adminUser(c, c.ids.userId)).active).toBe(false);
    },
  },
  'entra/patch-user-pathless-nested-urn-object.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      // Complex replace merges: sub-attributes not sent are left unchanged (RFC 7644 §3.5.2.3).
      expect(u.name.givenName).toBe('Kkom');
      expect(typeof u.name.familyName).toBe('string');
      expect(u.title).toBe('Lead');
      expect(enterprise(u)).toEqual({
        employeeNumber: '1001',
        department: 'Finance',
        manager: { value: c.ids.managerId },
      });
    },
  },
  'entra/patch-user-pathless-sj-attributes.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u[SJ_EXT]).toEqual({ security_champion: true, team_name: 'AppSec' });
    },
  },
  'entra/patch-user-replace-work-address-postal-code.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u.addresses).toEqual([{ type: 'work', postalCode: '98052', streetAddress: '1 Microsoft Way' }]);
    },
  },
  'entra/patch-user-replace-work-email-existing.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
      expect(u.name).toMatchObject({ givenName: 'Test', familyName: 'updatedFamilyName' });
      expect((await adminUser(c, c.ids.userId)).email).toBe('updatedemail@microsoft.com');
    },
  },
  'entra/patch-user-roles-primary-filter.json': {
    user: () => ({
      roles: [
        { primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'User' },
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Reader' },
      ],
    }),
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u.roles).toEqual([
        { primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' },
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Reader' },
      ]);
    },
  },
  'entra/patch-user-roles-stringified-json.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u.roles).toHaveLength(2);
      expect(u.roles[0]).toMatchObject({ value: '25', display: 'Admin' });
      expect(u.roles[1]).toMatchObject({ value: 'User', display: 'User' });
      expect(JSON.stringify(u.roles)).not.toContain('{\\"');
    },
  },
  'entra/patch-user-schema-qualified-core-path.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u.name.familyName).toBe('Qualified');
      expect(u.title).toBe('Director');
      expect(Object.keys(u).filter((k) => k.startsWith('urn:ietf:params:scim:schemas:core'))).toEqual([]);
    },
  },
  'entra/post-group-ms-extra-schema.json': {
    effect: async (c) => {
      const g = await created(c, 'Groups');
      // Microsoft's extra URN names no content: accepted, not echoed (as in MS-SCIM's own response).
      expect(c.res.body.schemas).toEqual([CORE_GROUP]);
      expect(g).toMatchObject({
        schemas: [CORE_GROUP],
        displayName: 'displayName',
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      });
      expect(g.members ?? []).toEqual([]);
      expect(await adminGroup(c, g.id)).toMatchObject({ displayName: 'displayName', memberCount: 0, deleted: false });
    },
  },
  'entra/post-user-custom-extensions-nested.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u[FOLDERS_EXT]).toEqual({ folders: ['3f0c9a52-1111-4a9e-9c1e-000000000001', 'Folder 2'] });
      // Open extension: stored losslessly, JSON types and key case as sent.
      expect(u[METADATA_EXT]).toEqual({ costCode: 'CC-1200', Region: 'EMEA', buildingFloor: 3 });
      expect(u[TAG_EXT]).toEqual({ tag: '701984' });
      expect(u.schemas).toEqual(expect.arrayContaining([CORE_USER, FOLDERS_EXT, METADATA_EXT, TAG_EXT]));
    },
  },
  'entra/post-user-duplicate-work-emails.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      // Stored as sent: both work emails, in order (Microsoft's reference tests expect 201).
      expect(u.emails).toEqual([
        { type: 'work', value: 'a@testuser.com', primary: true },
        { type: 'work', value: 'b@testuser.com' },
      ]);
      expect((await adminUser(c, u.id)).email).toBe('a@testuser.com');
    },
  },
  'entra/post-user-two-primary-emails.json': {
    effect: async (c) => {
      expect(c.res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '400', scimType: 'invalidValue' });
      expect(c.res.body.detail).toMatch(/primary/);
      expect(await adminUsers(c)).toEqual([]);
    },
  },
  'entra/post-user-custom-extension-undeclared-keys.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u[TAG_EXT]).toEqual({ tag: '701984', folders: ['Folder 1', 'Folder 2'], nested: { level: 2 } });
      expect(c.res.body[TAG_EXT]).toEqual(u[TAG_EXT]);
      expect(u.schemas).toEqual([CORE_USER, TAG_EXT]);
    },
  },
  'entra/post-user-manager-unknown.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(enterprise(u)).toEqual({ department: 'Sales' });
      const [entry] = await ignoredReferenceEntries(c, 1);
      expect(entry).toMatchObject({
        target: { type: 'scim_user', id: u.id },
        actor: { type: 'scim', connectionId: c.conn.connectionId },
        details: { attribute: 'manager', ignored: [UNKNOWN_ID], ignoredCount: 1 },
      });
    },
  },
  'entra/patch-user-manager-unknown.json': {
    effect: async (c) => {
      expect(enterprise(await getUser(c, c.ids.userId))).not.toHaveProperty('manager');
      const [entry] = await ignoredReferenceEntries(c, 1);
      expect(entry).toMatchObject({
        target: { type: 'scim_user', id: c.ids.userId },
        details: { attribute: 'manager', ignored: [UNKNOWN_ID], ignoredCount: 1 },
      });
    },
  },
  'entra/patch-group-add-unknown-members.json': {
    effect: async (c) => {
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.ids.memberId]);
      expect((await adminGroup(c, c.ids.groupId)).memberCount).toBe(1);
      const [entry] = await ignoredReferenceEntries(c, 1);
      expect(entry).toMatchObject({
        target: { type: 'scim_group', id: c.ids.groupId },
        actor: { type: 'scim', connectionId: c.conn.connectionId },
        details: { attribute: 'members', ignoredCount: 2 },
      });
      expect([...entry.details.ignored].sort()).toEqual([UNKNOWN_ID, 'not-a-user-id'].sort());
    },
  },
  'entra/post-group-unknown-members.json': {
    effect: async (c) => {
      const g = await created(c, 'Groups');
      expect(await memberIds(c, g.id)).toEqual([c.ids.memberId]);
      const [entry] = await ignoredReferenceEntries(c, 1);
      expect(entry).toMatchObject({ target: { id: g.id }, details: { ignored: [UNKNOWN_ID], ignoredCount: 1 } });
    },
  },
  'entra/put-group-unknown-members.json': {
    arrange: async (c) => {
      c.extra.previous = await createUser(c);
      await addMembers(c, c.ids.groupId, c.extra.previous);
    },
    effect: async (c) => {
      expect(c.res.body.displayName).toBe('Replaced Group');
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.ids.memberId]);
      await ignoredReferenceEntries(c, 1);
    },
  },
  'entra/get-group-member-display.json': {
    arrange: async (c) => {
      c.extra.named = await createUser(c, { displayName: 'Display Named' });
      c.extra.unnamed = await createUser(c, { displayName: null });
      await addMembers(c, c.ids.groupId, c.extra.named, c.extra.unnamed);
    },
    effect: async (c) => {
      const members = c.res.body.members as Array<Record<string, string>>;
      const byId = new Map(members.map((m) => [m.value, m]));
      expect(byId.get(c.extra.named)).toMatchObject({ display: 'Display Named', type: 'User' });
      const unnamed = await getUser(c, c.extra.unnamed);
      expect(unnamed).not.toHaveProperty('displayName');
      expect(byId.get(c.extra.unnamed)).toMatchObject({ display: unnamed.userName, type: 'User' });
    },
  },
  'entra/post-user-enterprise-nulls-roles-meta.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u).toMatchObject({
        userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        active: true,
        displayName: 'givenName familyName',
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      });
      for (const absent of ['addresses', 'phoneNumbers', 'title', 'preferredLanguage', 'roles'])
        expect(u).not.toHaveProperty(absent);
      expect(enterprise(u)).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
      expect(u.schemas).toEqual([CORE_USER, ENTERPRISE]);
      expect(typeof u.meta.created).toBe('string');
      expect(await adminUser(c, u.id)).toMatchObject({
        userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
        email: 'test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com',
        active: true,
      });
    },
  },
  'entra/post-user-legacy-top-level-nulls.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u).toMatchObject({
        userName: 'jyoung@testuser.com',
        externalId: 'jyoung',
        displayName: 'Joy Young',
        active: true,
      });
      // Stored in the format sent (MS-SCIM): the email keeps its case.
      expect(u.emails).toEqual([{ type: 'work', value: 'jyoung@Contoso.com', primary: true }]);
      expect(u.schemas).toEqual([CORE_USER]);
      for (const absent of ['department', 'manager', 'addresses', 'phoneNumbers', 'title', ENTERPRISE])
        expect(u).not.toHaveProperty([absent]);
    },
  },
  'entra/post-user-manager-bare-string.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(enterprise(u).manager).toEqual({ value: c.ids.managerId });
      expect(u[TAG_EXT]).toEqual({ tag: '701984' });
      // Client-sent meta is ignored.
      expect(u.meta.created).not.toBe('2010-01-23T04:56:22Z');
      expect(Date.now() - Date.parse(u.meta.created)).toBeLessThan(60_000);
    },
  },
  'entra/post-user-metadata-flat-urn-key.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u[METADATA_EXT]).toEqual({ costCode: 'CC-7' });
      expect(u[TAG_EXT]).toEqual({ tag: 'blue' });
      expect(u[FOLDERS_EXT]).toEqual({ folders: ['Folder 9'] });
    },
  },
  'entra/post-user-roles-primary-string.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u.active).toBe(true);
      expect(u.roles).toEqual([
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' },
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
      ]);
    },
  },
  'entra/post-user-roster-extension-string-boolean.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u.active).toBe(true);
      expect(u[ROSTER_EXT]).toEqual({
        job_role: 'Member',
        company: 'Contoso',
        business_unit: 'CC-4130',
        team_name: 'Platform',
        security_champion: true,
      });
    },
  },
  'entra/post-user-sj-user-attributes.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u[SJ_EXT]).toEqual({
        job_role: 'Member',
        company: 'Contoso',
        business_unit: 'CC-4130',
        team_name: 'Platform',
        security_champion: false,
      });
      expect(enterprise(u)).toEqual({ employeeNumber: '42', department: 'R&D' });
      expect(u.title).toBe('Engineer');
      expect(u.schemas).toEqual(expect.arrayContaining([CORE_USER, ENTERPRISE, SJ_EXT]));
    },
  },

  // ------------------------------------------------------------------------------------ Okta
  'okta/patch-group-mixed-remove-add-members.json': {
    arrange: (c) => addMembers(c, c.ids.groupId, c.ids.memberId),
    effect: async (c) => {
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.ids.userId]);
    },
  },
  'okta/patch-group-rename-pathless.json': {
    arrange: async (c) => {
      c.extra.member = await createUser(c);
      await addMembers(c, c.ids.groupId, c.extra.member);
    },
    effect: async (c) => {
      const g = await getGroup(c, c.ids.groupId);
      expect(g.id).toBe(c.ids.groupId);
      expect(g.displayName).toBe('Test SCIMv2 renamed');
      expect((g.members ?? []).map((m: { value: string }) => m.value)).toEqual([c.extra.member]);
    },
  },
  'okta/patch-group-replace-members.json': {
    arrange: async (c) => {
      c.extra.previous = await createUser(c);
      await addMembers(c, c.ids.groupId, c.extra.previous, c.ids.memberId);
    },
    effect: async (c) => {
      expect(await memberIds(c, c.ids.groupId)).toEqual([c.ids.memberId, c.ids.userId].sort());
      expect((await adminGroup(c, c.ids.groupId)).memberCount).toBe(2);
    },
  },
  'okta/patch-user-deactivate-pathless.json': {
    effect: (c) => expectActive(c, c.ids.userId, false),
  },
  'okta/patch-user-password-pathless.json': {
    effect: async (c) => {
      const u = await getUser(c, c.ids.userId);
      expect(u.active).toBe(true);
      await expectNoStoredPassword(c, c.ids.userId);
    },
  },
  'okta/patch-user-reactivate-pathless.json': {
    arrange: (c) => deactivate(c, c.ids.userId),
    effect: (c) => expectActive(c, c.ids.userId, true),
  },
  'okta/post-group-empty-members.json': {
    effect: async (c) => {
      const g = await created(c, 'Groups');
      expect(g.displayName).toBe('Test SCIMv2');
      expect(g.members ?? []).toEqual([]);
      expect((await adminGroup(c, g.id)).memberCount).toBe(0);
    },
  },
  'okta/post-user-core-namespace-custom-attributes.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(u).toMatchObject({ isAdmin: true, nickCode: 'CC-42', badges: ['gold', 'silver'] });
      const put = await c.scim.put(`/Users/${u.id}`, { ...c.res.body, isAdmin: false });
      expectStatus(put, 200);
      expect((await getUser(c, u.id)).isAdmin).toBe(false);
    },
  },
  'okta/post-user-password-groups.json': {
    effect: async (c) => {
      const u = await created(c, 'Users');
      expect(c.res.body).not.toHaveProperty('password');
      expect(u).toMatchObject({
        userName: 'test.user@okta.local',
        externalId: '00ujl29u0le5T6Aj10h7',
        displayName: 'Test User',
        locale: 'en-US',
        active: true,
        name: { givenName: 'Test', familyName: 'User' },
      });
      // `groups` is readOnly: the client's empty list is ignored, never stored.
      expect(u.groups ?? []).toEqual([]);
      await expectNoStoredPassword(c, u.id);
    },
  },
  'okta/put-user-deactivate.json': {
    effect: async (c) => {
      expect(c.res.body).toMatchObject({ id: c.ids.userId, userName: 'test.user@okta.local', active: false });
      await expectActive(c, c.ids.userId, false);
      expect((await adminUser(c, c.ids.userId)).userName).toBe('test.user@okta.local');
    },
  },
  'okta/put-user-full-object.json': {
    effect: async (c) => {
      expect(c.res.body).toMatchObject({
        id: c.ids.userId,
        displayName: 'Another User',
        name: { givenName: 'Another', familyName: 'User' },
      });
      expect(c.res.body).not.toHaveProperty('password');
      const u = await getUser(c, c.ids.userId);
      expect(u).toMatchObject({
        userName: 'test.user@okta.local',
        displayName: 'Another User',
        active: true,
        locale: 'en-US',
      });
      // PUT replaces: the Entra-shaped enterprise extension the user was created with is gone.
      expect(u).not.toHaveProperty([ENTERPRISE]);
      expect(u.meta.created).not.toBe('2024-01-01T00:00:00Z');
      await expectNoStoredPassword(c, c.ids.userId);
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Replay
// ---------------------------------------------------------------------------------------------

const CONTENT_TYPES: Record<LoadedFixture['idp'], string[]> = {
  entra: ['application/scim+json'],
  // Okta sends application/json; scim+json is what RFC 7644 names. Both must work.
  okta: ['application/scim+json', 'application/json'],
};

async function replay(t: TestApp, lf: LoadedFixture, scenario: Scenario, contentType: string): Promise<void> {
  const conn = await createTenantWithConnection(t.admin);
  const scim = new ScimClient(t.baseUrl, conn);
  const c: ReplayContext = {
    t,
    conn,
    scim,
    ids: {} as Record<FixturePlaceholder, string>,
    extra: {},
    contentType,
    res: undefined as never,
  };
  const needed = placeholdersOf(lf.fixture);
  // Managers and members first: the `{userId}` user of a POST fixture may reference them.
  if (needed.includes('managerId')) c.ids.managerId = await createUser(c);
  if (needed.includes('memberId')) c.ids.memberId = await createUser(c);
  if (needed.includes('userId')) c.ids.userId = await createUser(c, scenario.user?.(c) ?? {});
  if (needed.includes('groupId')) c.ids.groupId = await createGroup(c);
  await scenario.arrange?.(c);

  const { path, body } = substitute(lf.fixture, c.ids);
  c.res = await scim.http.request(lf.fixture.method, scim.prefix + path, {
    ...(body !== null && body !== undefined ? { body } : {}),
    contentType,
  });
  expectStatus(c.res, lf.fixture.expectStatus);
  if (c.res.status === 204) {
    expect(c.res.text).toBe('');
  } else {
    expect(c.res.headers.get('content-type') ?? '').toMatch(/^application\/scim\+json\b/);
  }
  await scenario.effect(c);
}

/**
 * An ordinary client that writes the whole body before it reads the answer (Node's http, .NET's
 * HttpClient): a server that closes the socket early makes its write fail with EPIPE/ECONNRESET.
 */
function postWholeBody(
  baseUrl: string,
  path: string,
  token: string,
  bytes: number,
  chunked: boolean,
): Promise<{ status: number; contentType: string; body: string }> {
  const url = new URL(path, baseUrl);
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return new Promise((resolve, reject) => {
    // Done when the whole body was written AND the answer was read; a write error fails the request.
    let answer: { status: number; contentType: string; body: string } | undefined;
    let sent = false;
    const settle = () => {
      if (answer && sent) resolve(answer);
    };
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/scim+json',
          ...(chunked ? {} : { 'content-length': String(bytes) }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          answer = { status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body };
          settle();
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('finish', () => {
      sent = true;
      settle();
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
    let written = 0;
    const writeMore = (): void => {
      while (written < bytes) {
        const piece = written + chunk.length <= bytes ? chunk : chunk.subarray(0, bytes - written);
        written += piece.length;
        if (!req.write(piece)) {
          req.once('drain', writeMore);
          return;
        }
      }
      req.end();
    };
    writeMore();
  });
}

describe('IdP dialect fixtures replayed over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`finds all ${EXPECTED_FIXTURE_COUNT} fixtures, each with an effect entry, and an entry only for existing fixtures`, () => {
    const files = FIXTURES.map((f) => f.file);
    expect(files).toHaveLength(EXPECTED_FIXTURE_COUNT);
    expect(files.filter((f) => !(f in SCENARIOS))).toEqual([]);
    expect(Object.keys(SCENARIOS).filter((k) => !files.includes(k))).toEqual([]);
    const quirks = FIXTURES.map((f) => f.fixture.quirk);
    expect(quirks.filter((q, i) => quirks.indexOf(q) !== i)).toEqual([]);
  });

  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])(
    'answers a 12 MB body %s with a 413 SCIM envelope the client can read after writing it all (issue #16)',
    async (_, chunked) => {
      const conn = await createTenantWithConnection(t.admin);
      const bytes = 12 * 1024 * 1024;
      expect(bytes).toBeGreaterThan(t.env.SCIM_MAX_BODY_BYTES);
      for (let i = 0; i < 2; i++) {
        const res = await postWholeBody(t.baseUrl, `/scim/v2/${conn.connectionId}/Users`, conn.token, bytes, chunked);
        expect(res.status).toBe(413);
        expect(res.contentType).toMatch(/^application\/scim\+json/);
        expect(JSON.parse(res.body)).toMatchObject({ schemas: [SCIM_ERROR], status: '413' });
      }
      // The connection still works afterwards.
      expectStatus(await new ScimClient(t.baseUrl, conn).get('/Users?count=1'), 200);
    },
    60_000,
  );

  for (const lf of FIXTURES) {
    it(`[${lf.idp}] ${lf.fixture.quirk}`, async () => {
      const scenario = SCENARIOS[lf.file];
      if (!scenario) throw new Error(`no effect assertion for ${lf.file}: add an entry to SCENARIOS`);
      for (const contentType of CONTENT_TYPES[lf.idp]) {
        try {
          await replay(t, lf, scenario, contentType);
        } catch (err) {
          if (err instanceof Error) err.message = `[${lf.file} sent as ${contentType}]\n${err.message}`;
          throw err;
        }
      }
    });
  }
});
