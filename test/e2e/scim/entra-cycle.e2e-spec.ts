import { randomUUID } from 'node:crypto';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import type { HttpResult } from '../../utils/http-client';
import { IdpClient } from '../../utils/idp-client';

/**
 * Microsoft Entra ID's provisioning job against a fresh connection, in Entra's real order (MS-SCIM,
 * MS-HOW, MS-COMPAT; idp-dialects.md §2): Test Connection, schema discovery, the initial cycle
 * (query → create, groups created empty then filled), an incremental cycle in both PATCH dialects
 * (legacy and `?aadOptscim062020`), soft and hard deprovisioning. Entra quarantines a job that keeps
 * failing, so the cycle must finish with zero failed operations. Then every request/response example
 * of Microsoft's tutorial "Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID".
 */

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const MS_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const q = (filter: string) => encodeURIComponent(filter);
const ops = (...operations: Array<Record<string, unknown>>) => ({ schemas: [PATCH_OP], Operations: operations });

function expectStatus(res: HttpResult, status: number): void {
  const context = `${res.status} ${res.text.slice(0, 600)}`;
  expect({ status: res.status, context }).toEqual({ status, context });
}

function expectScimJson(res: HttpResult): void {
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/scim\+json\b/);
}

/** RFC 7644 §3.4.2: a ListResponse with integer counters and a Resources array, even when empty. */
function expectList(res: HttpResult, totalResults: number): any[] {
  expectStatus(res, 200);
  expectScimJson(res);
  expect(res.body).toEqual({
    schemas: [LIST_RESPONSE],
    totalResults,
    startIndex: 1,
    itemsPerPage: totalResults,
    Resources: expect.any(Array),
  });
  expect(res.body.Resources).toHaveLength(totalResults);
  return res.body.Resources;
}

function expectNoContent(res: HttpResult): void {
  expectStatus(res, 204);
  expect(res.text).toBe('');
}

function expectScimError(res: HttpResult, status: number): void {
  expectStatus(res, status);
  expectScimJson(res);
  expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: String(status) });
}

/** An Entra POST /Users body (MS-SCIM "Create User" + the nulls, enterprise extension and roles Entra adds). */
function entraUserBody(i: number, domain: string): Record<string, unknown> {
  const nick = `user${String(i).padStart(2, '0')}.${randomUUID().slice(0, 8)}`;
  return {
    schemas: [CORE_USER, ENTERPRISE],
    externalId: randomUUID(),
    userName: `${nick}@${domain}`,
    active: true,
    addresses: null,
    displayName: `User ${i}`,
    emails: [{ primary: true, type: 'work', value: `${nick}@${domain}` }],
    meta: { resourceType: 'User' },
    name: { formatted: `Given${i} Family${i}`, familyName: `Family${i}`, givenName: `Given${i}` },
    phoneNumbers: null,
    preferredLanguage: null,
    roles: [],
    title: null,
    [ENTERPRISE]: { employeeNumber: String(1000 + i), department: 'Sales', costCenter: null, manager: null },
  };
}

describe('Microsoft Entra ID provisioning cycle', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('a full cycle against a fresh connection finishes with zero failed operations', () => {
    const USERS = 10;
    let conn: TenantFixture;
    /** The Tenant URL as pasted without flags: legacy PATCH shapes. */
    let entra: IdpClient;
    /** The same job once `?aadOptscim062020` is appended to the Tenant URL (shares the log). */
    let flagged: IdpClient;
    const users: Array<{ id: string; userName: string; body: Record<string, unknown> }> = [];
    const groups: Array<{ id: string; displayName: string; members: string[] }> = [];
    /** Test Connection / matching probes that must miss: always 200 + empty ListResponse. */
    const probeMisses: HttpResult[] = [];

    beforeAll(async () => {
      conn = await createTenantWithConnection(t.admin, { name: 'Contoso' });
      entra = new IdpClient(t.baseUrl, conn, { contentType: 'application/scim+json' });
      flagged = entra.with({ flag: 'aadOptscim062020' });
    });

    const getUser = async (step: string, id: string) => {
      const res = await entra.get(step, `/Users/${id}`);
      expectStatus(res, 200);
      return res.body;
    };
    const memberIds = async (step: string, groupId: string) => {
      const res = await entra.get(step, `/Groups/${groupId}`);
      expectStatus(res, 200);
      return ((res.body.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
    };

    it('Test Connection: a random-GUID query on the matching attribute answers 200 with an empty ListResponse', async () => {
      const guid = randomUUID();
      for (const res of [
        await entra.get('test connection: user', `/Users?filter=${q(`userName eq "${guid}"`)}`),
        await entra.get(
          'test connection: group',
          `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${guid}"`)}`,
        ),
        // The matching attribute is configurable; MS-SCIM's example matches externalId (unquoted).
        await entra.get('test connection: externalId', `/Users?filter=${q(`externalId eq ${guid}`)}`),
      ]) {
        expect(res.body.Resources).toEqual([]);
        expectList(res, 0);
        probeMisses.push(res);
      }
    });

    it('schema discovery on save: GET /Schemas is a ListResponse holding the core and enterprise schemas', async () => {
      const res = await entra.get('schema discovery', '/Schemas');
      expectStatus(res, 200);
      expectScimJson(res);
      expect(res.body.schemas).toEqual([LIST_RESPONSE]);
      expect(res.body.totalResults).toBe(res.body.Resources.length);
      expect(res.body.Resources.map((s: { id: string }) => s.id)).toEqual(
        expect.arrayContaining([CORE_USER, CORE_GROUP, ENTERPRISE]),
      );
      expect(res.text).not.toContain('null');
    });

    it(`initial cycle: each of ${USERS} users is looked up by userName (a miss), then created from Entra's body`, async () => {
      for (let i = 0; i < USERS; i++) {
        const body = entraUserBody(i, conn.domain);
        const userName = body.userName as string;
        const miss = await entra.get(`match user ${i}`, `/Users?filter=${q(`userName eq "${userName}"`)}`);
        expectList(miss, 0);
        probeMisses.push(miss);
        const res = await entra.post(`create user ${i}`, '/Users', body);
        expectStatus(res, 201);
        expectScimJson(res);
        expect(res.body).toMatchObject({
          schemas: [CORE_USER, ENTERPRISE],
          userName,
          externalId: body.externalId,
          active: true,
          [ENTERPRISE]: { employeeNumber: String(1000 + i), department: 'Sales' },
          meta: { resourceType: 'User' },
        });
        expect(res.text).not.toContain('null');
        users.push({ id: res.body.id, userName, body });
      }
      // userName matching is case-insensitive (idp-dialects #10): Entra's UPN case may differ from ours.
      const hit = await entra.get(
        'match user case-insensitively',
        `/Users?filter=${q(`userName eq "${users[3].userName.toUpperCase()}"`)}`,
      );
      expect(expectList(hit, 1)[0].id).toBe(users[3].id);
    });

    it('initial cycle: groups are looked up by displayName (a miss), created empty with the MS schema, then filled by Add members, several per request', async () => {
      const plan = [
        {
          name: `Sales ${randomUUID().slice(0, 6)}`,
          batches: [
            [0, 1, 2, 3],
            [4, 5],
          ],
        },
        { name: `Engineering ${randomUUID().slice(0, 6)}`, batches: [[5, 6, 7, 8, 9]] },
        {
          name: `All staff ${randomUUID().slice(0, 6)}`,
          batches: [
            [0, 1, 2, 3, 4],
            [5, 6, 7, 8, 9],
          ],
        },
      ];
      for (const [gi, p] of plan.entries()) {
        const miss = await entra.get(
          `match group ${gi}`,
          `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${p.name}"`)}`,
        );
        expectList(miss, 0);
        probeMisses.push(miss);
        const res = await entra.post(`create group ${gi}`, '/Groups', {
          schemas: [CORE_GROUP, MS_GROUP_SCHEMA],
          externalId: randomUUID(),
          displayName: p.name,
          meta: { resourceType: 'Group' },
        });
        expectStatus(res, 201);
        expect(res.body).toMatchObject({ schemas: [CORE_GROUP], displayName: p.name, meta: { resourceType: 'Group' } });
        expect(res.body.members ?? []).toEqual([]);
        const members: string[] = [];
        for (const batch of p.batches) {
          const value = batch.map((i) => ({ $ref: null, value: users[i].id }));
          expectNoContent(
            await entra.patch(
              `add members to group ${gi}`,
              `/Groups/${res.body.id}`,
              ops({ op: 'Add', path: 'members', value }),
            ),
          );
          members.push(...batch.map((i) => users[i].id));
        }
        groups.push({ id: res.body.id, displayName: p.name, members });
        expect(await memberIds(`verify group ${gi}`, res.body.id)).toEqual([...members].sort());
      }
      // Re-adding a member Entra already added (a retried batch) is idempotent (idp-dialects #27).
      expectNoContent(
        await entra.patch(
          're-add member',
          `/Groups/${groups[0].id}`,
          ops({ op: 'Add', path: 'members', value: [{ $ref: null, value: users[0].id }] }),
        ),
      );
      // Entra reads groups without members; the group is found by displayName now.
      const found = await entra.get(
        'match group again',
        `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${groups[1].displayName}"`)}`,
      );
      const [g] = expectList(found, 1);
      expect(g.id).toBe(groups[1].id);
      expect(g).not.toHaveProperty('members');
      const one = await entra.get('get group without members', `/Groups/${groups[1].id}?excludedAttributes=members`);
      expectStatus(one, 200);
      expect(one.body).not.toHaveProperty('members');
      // A membership check is a request about the members attribute (MS-SCIM).
      const check = await entra.get(
        'membership check',
        `/Groups?excludedAttributes=members&filter=${q(`id eq "${groups[1].id}" and members eq "${users[6].id}"`)}`,
      );
      expect(expectList(check, 1)[0].id).toBe(groups[1].id);
      const users0 = await getUser('user groups', users[5].id);
      expect(users0.groups.map((x: { value: string }) => x.value).sort()).toEqual(groups.map((x) => x.id).sort());
    });

    it('incremental cycle (legacy dialect): matched users get capitalised Replace/Add operations, manager as a bare string', async () => {
      const manager = users[0];
      for (const i of [1, 2, 3]) {
        const u = users[i];
        const hit = await entra.get(`rematch user ${i}`, `/Users?filter=${q(`userName eq "${u.userName}"`)}`);
        expect(expectList(hit, 1)[0].id).toBe(u.id);
        const email = `renamed${i}@${conn.domain}`;
        expectNoContent(
          await entra.patch(
            `update user ${i}`,
            `/Users/${u.id}`,
            ops(
              { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
              { op: 'Replace', path: 'name.familyName', value: `Married${i}` },
              { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Engineering' },
              { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: `+1 555 010${i}` },
            ),
          ),
        );
        // Real Entra traffic: the manager as a bare string on the URN-qualified path (idp-dialects #19).
        expectNoContent(
          await entra.patch(
            `set manager ${i}`,
            `/Users/${u.id}`,
            ops({ op: 'Add', path: `${ENTERPRISE}:manager`, value: manager.id }),
          ),
        );
        const got = await getUser(`verify user ${i}`, u.id);
        expect(got.emails).toEqual([{ primary: true, type: 'work', value: email }]);
        expect(got.name).toMatchObject({ givenName: `Given${i}`, familyName: `Married${i}` });
        expect(got.phoneNumbers).toEqual([{ type: 'mobile', value: `+1 555 010${i}` }]);
        expect(got[ENTERPRISE]).toEqual({
          employeeNumber: String(1000 + i),
          department: 'Engineering',
          manager: { value: manager.id },
        });
      }
      // Microsoft's own example 5: manager as a [{"$ref","value"}] array on the bare `manager` path.
      expectNoContent(
        await entra.patch(
          'set manager (MS example 5)',
          `/Users/${users[4].id}`,
          ops({
            op: 'Add',
            path: 'manager',
            value: [{ $ref: `https://example.test/scim/Users/${manager.id}`, value: manager.id }],
          }),
        ),
      );
      expect((await getUser('verify manager', users[4].id))[ENTERPRISE].manager).toEqual({ value: manager.id });
      // The same values again (Entra re-sends what it sent): still 204, nothing changes, same version.
      const before = await getUser('before resend', users[1].id);
      expectNoContent(
        await entra.patch(
          'resend update',
          `/Users/${users[1].id}`,
          ops({ op: 'Replace', path: 'name.familyName', value: 'Married1' }),
        ),
      );
      expect((await getUser('after resend', users[1].id)).meta.version).toBe(before.meta.version);
    });

    it('incremental cycle with ?aadOptscim062020: lower-case ops, a path-less replace with dotted and URN keys, member removal by filter', async () => {
      const u = users[5];
      const hit = await flagged.get('flag: rematch user', `/Users?filter=${q(`userName eq "${u.userName}"`)}`);
      expect(expectList(hit, 1)[0].id).toBe(u.id);
      expectNoContent(
        await flagged.patch(
          'flag: single-value add',
          `/Users/${u.id}`,
          ops({ op: 'add', path: 'title', value: 'Engineer' }),
        ),
      );
      expectNoContent(
        await flagged.patch(
          'flag: multi-attribute replace',
          `/Users/${u.id}`,
          ops(
            { op: 'replace', path: 'emails[type eq "work"].value', value: `flagged5@${conn.domain}` },
            {
              op: 'replace',
              value: {
                displayName: 'Flagged Five',
                'name.givenName': 'Flagged',
                'name.familyName': 'Five',
                [`${ENTERPRISE}:employeeNumber`]: 'E-5',
                [`${ENTERPRISE}:department`]: 'Research',
              },
            },
          ),
        ),
      );
      const got = await flagged.get('flag: get user', `/Users/${u.id}`);
      expectStatus(got, 200);
      expect(got.body).toMatchObject({
        title: 'Engineer',
        displayName: 'Flagged Five',
        name: { givenName: 'Flagged', familyName: 'Five' },
        emails: [{ primary: true, type: 'work', value: `flagged5@${conn.domain}` }],
        [ENTERPRISE]: { employeeNumber: 'E-5', department: 'Research' },
      });
      // Expanded, not stored as literal keys: no `name.givenName` key, no flat `urn:…:employeeNumber` key.
      expect(
        Object.keys(got.body).filter((k) => (k.startsWith('urn:') ? typeof got.body[k] !== 'object' : k.includes('.'))),
      ).toEqual([]);

      // Disable with the flag: a JSON boolean.
      const off = users[6];
      expectNoContent(
        await flagged.patch('flag: disable', `/Users/${off.id}`, ops({ op: 'replace', path: 'active', value: false })),
      );
      expect((await getUser('verify flagged disable', off.id)).active).toBe(false);

      // Member removal with the flag: a filter path, no value (idp-dialects #25).
      expectNoContent(
        await flagged.patch(
          'flag: remove member',
          `/Groups/${groups[1].id}`,
          ops({ op: 'remove', path: `members[value eq "${users[9].id}"]` }),
        ),
      );
      groups[1].members = groups[1].members.filter((m) => m !== users[9].id);
      expect(await memberIds('verify flagged removal', groups[1].id)).toEqual([...groups[1].members].sort());
      // The same removal retried: idempotent.
      expectNoContent(
        await flagged.patch(
          'flag: remove member again',
          `/Groups/${groups[1].id}`,
          ops({ op: 'remove', path: `members[value eq "${users[9].id}"]` }),
        ),
      );
    });

    it('deprovisioning: disable with Replace active "False", legacy member removal; the inactive user is still returned', async () => {
      const u = users[7];
      expectNoContent(
        await entra.patch('disable', `/Users/${u.id}`, ops({ op: 'Replace', path: 'active', value: 'False' })),
      );
      const got = await getUser('verify disable', u.id);
      expect(got.active).toBe(false);
      // MS-SCIM: an inactive user is returned by GET and by queries; only hard-deleted users disappear.
      const hit = await entra.get('rematch disabled user', `/Users?filter=${q(`userName eq "${u.userName}"`)}`);
      expect(expectList(hit, 1)[0]).toMatchObject({ id: u.id, active: false });
      const rows = await t.admin.get(`/admin/v1/scim-connections/${conn.connectionId}/scim-users`);
      expect(rows.body.items.find((r: { id: string }) => r.id === u.id)).toMatchObject({
        active: false,
        deleted: false,
      });

      // Without the flag Entra removes members with a value list on the plain `members` path.
      expectNoContent(
        await entra.patch(
          'remove members',
          `/Groups/${groups[2].id}`,
          ops({ op: 'Remove', path: 'members', value: [{ value: u.id }, { value: users[8].id }] }),
        ),
      );
      groups[2].members = groups[2].members.filter((m) => m !== u.id && m !== users[8].id);
      expect(await memberIds('verify removal', groups[2].id)).toEqual([...groups[2].members].sort());

      // Reactivation: active=true comes back as a string too.
      expectNoContent(
        await entra.patch('re-enable', `/Users/${users[6].id}`, ops({ op: 'Replace', path: 'active', value: 'True' })),
      );
      expect((await getUser('verify re-enable', users[6].id)).active).toBe(true);
    });

    it('hard delete: DELETE /Users/{id} answers 204, then the user is gone (404, no match, no memberships) and its userName is free', async () => {
      const u = users[8];
      expectNoContent(await entra.delete('hard delete user', `/Users/${u.id}`));
      expectScimError(await entra.get('get deleted user', `/Users/${u.id}`, [404]), 404);
      const miss = await entra.get('match deleted user', `/Users?filter=${q(`userName eq "${u.userName}"`)}`);
      expectList(miss, 0);
      probeMisses.push(miss);
      expect(await memberIds('memberships of deleted user', groups[1].id)).not.toContain(u.id);
      // A deleted user's userName can be used again (idp-dialects rules): Entra re-provisions.
      const again = await entra.post('re-create user', '/Users', { ...u.body, externalId: randomUUID() });
      expectStatus(again, 201);
      expect(again.body.id).not.toBe(u.id);
      // A group removed from scope is deleted the same way.
      expectNoContent(await entra.delete('delete group', `/Groups/${groups[0].id}`));
      expectScimError(await entra.get('get deleted group', `/Groups/${groups[0].id}`, [404]), 404);
      expect(
        (await getUser('groups after group delete', users[0].id)).groups.map((g: { value: string }) => g.value),
      ).not.toContain(groups[0].id);
    });

    it('counted every response: none failed; probe misses were 200 empty lists, never 404', () => {
      expect(entra.failures()).toEqual([]);
      const count = (method: string, re: RegExp) =>
        entra.log.filter((e) => e.method === method && re.test(e.url)).length;
      expect(count('POST', /\/Users$/)).toBe(USERS + 1);
      expect(count('POST', /\/Groups$/)).toBe(3);
      expect(count('DELETE', /\/(Users|Groups)\//)).toBe(2);
      expect(entra.log.filter((e) => e.url.includes('aadOptscim062020')).length).toBeGreaterThanOrEqual(6);
      // The only non-2xx answers are the two declared 404s after the hard deletes.
      expect(entra.log.filter((e) => e.status >= 300).map((e) => `${e.step}: ${e.status}`)).toEqual([
        'get deleted user: 404',
        'get deleted group: 404',
      ]);
      expect(probeMisses.length).toBe(3 + USERS + 3 + 1);
      for (const res of probeMisses)
        expect({ status: res.status, totalResults: res.body.totalResults, Resources: res.body.Resources }).toEqual({
          status: 200,
          totalResults: 0,
          Resources: [],
        });
      expect(entra.log.length).toBeGreaterThan(80);
    });
  });

  /**
   * MS-SCIM "SCIM protocol requests and responses": each request replayed as printed (ids adapted),
   * checked against the response Microsoft shows. Where Roster deliberately answers differently the
   * test says so: a user PATCH answers 204 (Entra accepts it; idp-dialects #30) and the resource
   * shown in the tutorial's 200 body is read back with GET instead.
   */
  describe('Microsoft tutorial request/response examples', () => {
    let entra: IdpClient;
    let conn: TenantFixture;
    beforeEach(async () => {
      conn = await createTenantWithConnection(t.admin);
      entra = new IdpClient(t.baseUrl, conn, { contentType: 'application/scim+json' });
    });
    afterEach(() => {
      expect(entra.failures()).toEqual([]);
    });

    const CREATE_USER = {
      schemas: [CORE_USER, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    };
    /** The user as MS-SCIM's "Create User" response shows it (id and meta times are ours). */
    const userAsShown = (id: string) => ({
      schemas: [CORE_USER],
      id,
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      meta: expect.objectContaining({
        resourceType: 'User',
        created: expect.stringMatching(ISO_INSTANT),
        lastModified: expect.stringMatching(ISO_INSTANT),
      }),
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      active: true,
      emails: [{ value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com', type: 'work', primary: true }],
    });
    const createUser = async () => {
      const res = await entra.post('Create User', '/Users', CREATE_USER);
      expectStatus(res, 201);
      return res.body.id as string;
    };
    const CREATE_GROUP = {
      schemas: [CORE_GROUP, MS_GROUP_SCHEMA],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    };
    const groupAsShown = (id: string, displayName = 'displayName') => ({
      schemas: [CORE_GROUP],
      id,
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      meta: expect.objectContaining({
        resourceType: 'Group',
        created: expect.stringMatching(ISO_INSTANT),
        lastModified: expect.stringMatching(ISO_INSTANT),
      }),
      displayName,
    });
    const createGroup = async () => {
      const res = await entra.post('Create Group', '/Groups', CREATE_GROUP);
      expectStatus(res, 201);
      return res.body.id as string;
    };
    const members = async (groupId: string) => {
      const res = await entra.get('members', `/Groups/${groupId}`);
      expectStatus(res, 200);
      return ((res.body.members ?? []) as Array<{ value: string }>).map((m) => m.value);
    };

    it('Create User: POST /Users → 201 with the created user', async () => {
      const res = await entra.post('Create User', '/Users', CREATE_USER);
      expectStatus(res, 201);
      expectScimJson(res);
      expect(res.body).toEqual({
        ...userAsShown(res.body.id),
        meta: expect.objectContaining({ location: expect.stringContaining(`/Users/${res.body.id}`) }),
      });
      expect(res.body.meta).toMatchObject(userAsShown(res.body.id).meta);
    });

    it('Get User: GET /Users/{id} → 200 with the user; an unknown id → 404 SCIM error', async () => {
      const id = await createUser();
      const res = await entra.get('Get User', `/Users/${id}`);
      expectStatus(res, 200);
      expectScimJson(res);
      expect(res.body).toEqual({ ...userAsShown(id), meta: expect.objectContaining({ resourceType: 'User' }) });
      expect(res.body.meta).toMatchObject(userAsShown(id).meta);
      // "User not found. The detail isn't required, only status."
      const missing = await entra.get('Get User (not found)', '/Users/5171a35d82074e068ce2', [404]);
      expectScimError(missing, 404);
    });

    it('Get User by query: GET /Users?filter=userName eq "…" → 200 ListResponse with one user', async () => {
      const id = await createUser();
      const res = await entra.get(
        'Get User by query',
        `/Users?filter=${q('userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"')}`,
      );
      const [user] = expectList(res, 1);
      expect(user).toEqual({ ...userAsShown(id), meta: expect.objectContaining({ resourceType: 'User' }) });
    });

    it('Get User by query - Zero results: → 200 ListResponse, totalResults 0, Resources []', async () => {
      await createUser();
      const res = await entra.get(
        'Get User by query - Zero results',
        `/Users?filter=${q('userName eq "non-existent user"')}`,
      );
      expectList(res, 0);
      expect(res.body.Resources).toEqual([]);
    });

    it('Update User [Multi-valued properties]: Replace emails[type eq "work"].value and name.familyName', async () => {
      const id = await createUser();
      const res = await entra.patch(
        'Update User [Multi-valued properties]',
        `/Users/${id}`,
        ops(
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
          { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        ),
      );
      expectNoContent(res);
      const got = await entra.get('read back', `/Users/${id}`);
      expectStatus(got, 200);
      expect(got.body).toMatchObject({
        id,
        userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
        active: true,
        name: { familyName: 'updatedFamilyName', givenName: 'givenName' },
        emails: [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }],
      });
    });

    it('Update User [Single-valued properties]: Replace userName', async () => {
      const id = await createUser();
      const newName = '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com';
      expectNoContent(
        await entra.patch(
          'Update User [Single-valued properties]',
          `/Users/${id}`,
          ops({ op: 'Replace', path: 'userName', value: newName }),
        ),
      );
      const got = await entra.get('read back', `/Users/${id}`);
      expect(got.body).toMatchObject({
        id,
        userName: newName,
        active: true,
        name: { familyName: 'familyName', givenName: 'givenName' },
        emails: [{ value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com', type: 'work', primary: true }],
      });
      expectList(
        await entra.get(
          'old userName',
          `/Users?filter=${q('userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"')}`,
        ),
        0,
      );
      expect(
        expectList(await entra.get('new userName', `/Users?filter=${q(`userName eq "${newName}"`)}`), 1)[0].id,
      ).toBe(id);
    });

    it('Disable User: Replace active false → the user reads back with active false', async () => {
      const id = await createUser();
      expectNoContent(
        await entra.patch('Disable User', `/Users/${id}`, {
          Operations: [{ op: 'Replace', path: 'active', value: false }],
          schemas: [PATCH_OP],
        }),
      );
      const got = await entra.get('read back', `/Users/${id}`);
      expectStatus(got, 200);
      expect(got.body).toMatchObject({
        schemas: [CORE_USER],
        id,
        userName: CREATE_USER.userName,
        active: false,
        meta: { resourceType: 'User' },
      });
    });

    it('Delete User: DELETE /Users/{id} → 204 No Content', async () => {
      const id = await createUser();
      const res = await entra.delete('Delete User', `/Users/${id}`);
      expectNoContent(res);
      expectScimError(await entra.get('read back', `/Users/${id}`, [404]), 404);
    });

    it('Create Group: POST /Groups with the MS schema → 201, core schema only, no members', async () => {
      const res = await entra.post('Create Group', '/Groups', CREATE_GROUP);
      expectStatus(res, 201);
      expectScimJson(res);
      const { members, ...rest } = res.body;
      // The tutorial prints `"members": []`; an empty multi-valued attribute is unassigned and omitted (RFC 7643 §2.5).
      expect(members ?? []).toEqual([]);
      expect(rest).toEqual({ ...groupAsShown(res.body.id), meta: expect.objectContaining({ resourceType: 'Group' }) });
    });

    it('Get Group: GET /Groups/{id}?excludedAttributes=members → 200 without members', async () => {
      const id = await createGroup();
      const member = await createUser();
      expectNoContent(
        await entra.patch(
          'add member',
          `/Groups/${id}`,
          ops({ op: 'Add', path: 'members', value: [{ $ref: null, value: member }] }),
        ),
      );
      const res = await entra.get('Get Group', `/Groups/${id}?excludedAttributes=members`);
      expectStatus(res, 200);
      expectScimJson(res);
      expect(res.body).toEqual({ ...groupAsShown(id), meta: expect.objectContaining({ resourceType: 'Group' }) });
      expect(await members(id)).toEqual([member]);
    });

    it('Get Group by displayName: GET /Groups?excludedAttributes=members&filter=displayName eq "…" → one group without members', async () => {
      const id = await createGroup();
      const member = await createUser();
      expectNoContent(
        await entra.patch(
          'add member',
          `/Groups/${id}`,
          ops({ op: 'Add', path: 'members', value: [{ $ref: null, value: member }] }),
        ),
      );
      const res = await entra.get(
        'Get Group by displayName',
        `/Groups?excludedAttributes=members&filter=${q('displayName eq "displayName"')}`,
      );
      const [group] = expectList(res, 1);
      expect(group).toEqual({ ...groupAsShown(id), meta: expect.objectContaining({ resourceType: 'Group' }) });
    });

    it('Update Group [Non-member attributes]: Replace displayName → 204 No Content', async () => {
      const id = await createGroup();
      const name = '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName';
      expectNoContent(
        await entra.patch(
          'Update Group [Non-member attributes]',
          `/Groups/${id}`,
          ops({ op: 'Replace', path: 'displayName', value: name }),
        ),
      );
      const got = await entra.get('read back', `/Groups/${id}?excludedAttributes=members`);
      expect(got.body).toEqual({ ...groupAsShown(id, name), meta: expect.objectContaining({ resourceType: 'Group' }) });
    });

    it('Update Group [Add Members]: Add members [{"$ref": null, "value"}] → 204 No Content', async () => {
      const id = await createGroup();
      const member = await createUser();
      expectNoContent(
        await entra.patch(
          'Update Group [Add Members]',
          `/Groups/${id}`,
          ops({ op: 'Add', path: 'members', value: [{ $ref: null, value: member }] }),
        ),
      );
      expect(await members(id)).toEqual([member]);
    });

    it('Update Group [Remove Members]: Remove members [{"$ref": null, "value"}] → 204 No Content', async () => {
      const id = await createGroup();
      const member = await createUser();
      expectNoContent(
        await entra.patch(
          'add member',
          `/Groups/${id}`,
          ops({ op: 'Add', path: 'members', value: [{ $ref: null, value: member }] }),
        ),
      );
      expect(await members(id)).toEqual([member]);
      expectNoContent(
        await entra.patch(
          'Update Group [Remove Members]',
          `/Groups/${id}`,
          ops({ op: 'Remove', path: 'members', value: [{ $ref: null, value: member }] }),
        ),
      );
      expect(await members(id)).toEqual([]);
    });

    it('Delete Group: DELETE /Groups/{id} → 204 No Content', async () => {
      const id = await createGroup();
      expectNoContent(await entra.delete('Delete Group', `/Groups/${id}`));
      expectScimError(await entra.get('read back', `/Groups/${id}`, [404]), 404);
      expectList(
        await entra.get('query', `/Groups?excludedAttributes=members&filter=${q('displayName eq "displayName"')}`),
        0,
      );
    });

    it('Discover schema: GET /Schemas → ListResponse with the User, Group and EnterpriseUser schemas as shown', async () => {
      const res = await entra.get('Discover schema', '/Schemas');
      expectStatus(res, 200);
      expectScimJson(res);
      expect(res.body).toMatchObject({ schemas: [LIST_RESPONSE], startIndex: 1 });
      const byId = (id: string) => res.body.Resources.find((s: { id: string }) => s.id === id);
      const attr = (id: string, name: string) => byId(id).attributes.find((a: { name: string }) => a.name === name);
      expect(byId(CORE_USER)).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
        name: 'User',
        meta: { resourceType: 'Schema' },
      });
      expect(byId(CORE_GROUP)).toMatchObject({ name: 'Group', meta: { resourceType: 'Schema' } });
      expect(byId(ENTERPRISE)).toMatchObject({
        name: 'EnterpriseUser',
        description: 'Enterprise User',
        meta: { resourceType: 'Schema' },
      });
      expect(attr(CORE_USER, 'userName')).toMatchObject({
        type: 'string',
        multiValued: false,
        required: true,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
        uniqueness: 'server',
      });
      expect(attr(CORE_GROUP, 'displayName')).toMatchObject({
        type: 'string',
        multiValued: false,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
      });
      expect(attr(ENTERPRISE, 'employeeNumber')).toMatchObject({
        type: 'string',
        multiValued: false,
        required: false,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
        uniqueness: 'none',
      });
    });
  });
});
