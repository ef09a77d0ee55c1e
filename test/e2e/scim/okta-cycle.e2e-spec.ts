import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import type { HttpResult } from '../../utils/http-client';
import { IdpClient } from '../../utils/idp-client';

/**
 * Okta's SCIM 2.0 flows as its guide prints them ([OK-SCIM2] okta-developer-docs
 * `docs/reference/scim/scim-20/index.md`; idp-dialects.md §2.9): connection test, existence check,
 * create with `password` and `groups: []`, GET, GET-then-PUT profile updates, path-less PATCH
 * (de)activation and password sync, AIW-style PUT deactivation, Group Push and paging by 100. Okta
 * sends `Content-Type: application/json` and `User-Agent: Okta SCIM Client 1.0.0`; so does this test.
 */

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PASSWORDS = ['1mz050nq', 't1meMa$heen', 'n3wP@ssw0rd', 'AiwPassw0rd!'];

/** Okta URL-encodes its filters (`filter=userName%20eq%20%22test.user%40okta.local%22`). */
const enc = (filter: string) => encodeURIComponent(filter);
const ops = (...operations: Array<Record<string, unknown>>) => ({ schemas: [PATCH_OP], Operations: operations });

function expectStatus(res: HttpResult, status: number): void {
  const context = `${res.status} ${res.text.slice(0, 600)}`;
  expect({ status: res.status, context }).toEqual({ status, context });
}

/** Okta sends application/json; Roster still answers application/scim+json (RFC 7644 §3.1). */
function expectScimJson(res: HttpResult): void {
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/scim\+json\b/);
}

/** A ListResponse whose counters are JSON integers (Okta: "not as strings"). */
function expectPage(
  res: HttpResult,
  expected: { totalResults: number; startIndex: number; itemsPerPage: number },
): any[] {
  expectStatus(res, 200);
  expectScimJson(res);
  expect(res.body).toEqual({ schemas: [LIST_RESPONSE], ...expected, Resources: expect.any(Array) });
  for (const key of ['totalResults', 'startIndex', 'itemsPerPage'] as const) {
    expect(Number.isInteger(res.body[key])).toBe(true);
    expect(res.text).toMatch(new RegExp(`"${key}":${expected[key]}[,}]`));
  }
  expect(res.body.Resources).toHaveLength(expected.itemsPerPage);
  return res.body.Resources;
}

function expectNoContent(res: HttpResult): void {
  expectStatus(res, 204);
  expect(res.text).toBe('');
}

/** The user of Okta's "Create the User" example. */
const OKTA_USER = {
  schemas: [CORE_USER],
  userName: 'test.user@okta.local',
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
};

function oktaUser(i: number, domain: string): Record<string, unknown> {
  const userName = `okta.user${String(i).padStart(3, '0')}@${domain}`;
  return {
    ...OKTA_USER,
    userName,
    name: { givenName: 'Okta', familyName: `User${i}` },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `Okta User ${i}`,
    externalId: `00u${String(i).padStart(17, '0')}`,
    password: 'AiwPassw0rd!',
  };
}

describe('Okta SCIM 2.0 provisioning flows', () => {
  let t: TestApp;
  let conn: TenantFixture;
  let okta: IdpClient;
  let testUserId: string;
  const memberIds: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    conn = await createTenantWithConnection(t.admin, { name: 'Okta tenant' });
    okta = new IdpClient(t.baseUrl, conn, {
      contentType: 'application/json',
      headers: { 'user-agent': 'Okta SCIM Client 1.0.0' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const getUser = async (step: string, id: string) => {
    const res = await okta.get(step, `/Users/${id}`);
    expectStatus(res, 200);
    expectScimJson(res);
    return res.body;
  };
  const groupMembers = async (step: string, id: string) => {
    const res = await okta.get(step, `/Groups/${id}`);
    expectStatus(res, 200);
    return ((res.body.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
  };
  /** Password keys or Okta's passwords in any stored document of this connection. */
  const storedPasswordLeaks = async () => {
    const rows: Array<{ id: string; resource: unknown; raw_payload: unknown }> = await t.dataSource.query(
      `SELECT id, resource, raw_payload FROM staging.scim_user WHERE connection_id = $1`,
      [conn.connectionId],
    );
    expect(rows.length).toBeGreaterThan(0);
    return rows.flatMap((r) =>
      (['resource', 'raw_payload'] as const).flatMap((col) => {
        const text = JSON.stringify(r[col] ?? null);
        const found = PASSWORDS.filter((p) => text.includes(p));
        if (/"(?:[^"]*:)?password"\s*:/i.test(text)) found.push('"password" key');
        return found.map((f) => `${r.id}.${col}: ${f}`);
      }),
    );
  };

  it('connection test: GET /Users?startIndex=1&count=2 and GET /Groups?startIndex=1&count=100 answer empty ListResponses', async () => {
    expect(
      expectPage(await okta.get('connection test users', '/Users?startIndex=1&count=2'), {
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
      }),
    ).toEqual([]);
    expect(
      expectPage(await okta.get('connection test groups', '/Groups?startIndex=1&count=100'), {
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
      }),
    ).toEqual([]);
  });

  it('create: the existence check misses, POST with password and groups: [] answers 201 with the user, and no password is stored', async () => {
    const check = `/Users?filter=${enc('userName eq "test.user@okta.local"')}&startIndex=1&count=100`;
    expectPage(await okta.get('existence check', check), { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    const res = await okta.post('create user', '/Users', OKTA_USER);
    expectStatus(res, 201);
    expectScimJson(res);
    testUserId = res.body.id;
    expect(res.body).toMatchObject({
      schemas: [CORE_USER],
      id: expect.any(String),
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
      meta: { resourceType: 'User' },
    });
    expect(res.body).not.toHaveProperty('password');
    expect(res.body.groups ?? []).toEqual([]);
    expect(await storedPasswordLeaks()).toEqual([]);
    // Found now — also when Okta's userName differs only by case (userName is caseExact: false).
    const found = expectPage(await okta.get('existence check again', check), {
      totalResults: 1,
      startIndex: 1,
      itemsPerPage: 1,
    });
    expect(found[0].id).toBe(testUserId);
  });

  it('create of an existing user answers 409 uniqueness (Okta stops the job on it), also when userName differs by case', async () => {
    for (const userName of ['test.user@okta.local', 'Test.User@OKTA.local']) {
      const res = await okta.request('create duplicate', 'POST', '/Users', { ...OKTA_USER, userName }, [409]);
      expectStatus(res, 409);
      expectScimJson(res);
      expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '409', scimType: 'uniqueness' });
    }
  });

  it('GET /Users/{id} returns the user as Okta retrieves it', async () => {
    const u = await getUser('retrieve user', testUserId);
    expect(u).toMatchObject({
      schemas: [CORE_USER],
      id: testUserId,
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      active: true,
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      meta: { resourceType: 'User' },
    });
  });

  it('profile update (OIN): GET then PUT of the whole object it read, with the changed attributes', async () => {
    const current = await getUser('update: retrieve', testUserId);
    // What Okta's guide shows coming back from GET, then PUT: an empty middleName, then "Excited".
    const first = await okta.put('update: put empty middleName', `/Users/${testUserId}`, {
      ...current,
      name: { ...current.name, givenName: 'Another', middleName: '' },
    });
    expectStatus(first, 200);
    expect(first.body.name).toMatchObject({ givenName: 'Another', familyName: 'User' });
    const again = await getUser('update: retrieve again', testUserId);
    const res = await okta.put('update: put', `/Users/${testUserId}`, {
      ...again,
      name: { ...again.name, middleName: 'Excited' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }],
      password: 't1meMa$heen',
    });
    expectStatus(res, 200);
    expectScimJson(res);
    expect(res.body).toMatchObject({
      schemas: [CORE_USER],
      id: testUserId,
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }],
      active: true,
      meta: { resourceType: 'User' },
    });
    expect(res.body).not.toHaveProperty('password');
    expect(await getUser('update: verify', testUserId)).toMatchObject({
      name: { givenName: 'Another', middleName: 'Excited' },
      displayName: 'Test User',
    });
    expect(await storedPasswordLeaks()).toEqual([]);
  });

  it('deactivate and reactivate (OIN): path-less PATCH {"active": false|true}; the inactive user is still found', async () => {
    const off = await okta.patch(
      'deactivate',
      `/Users/${testUserId}`,
      ops({ op: 'replace', value: { active: false } }),
    );
    expectNoContent(off);
    expect((await getUser('deactivate: verify', testUserId)).active).toBe(false);
    const rows = await t.admin.get(`/admin/v1/scim-connections/${conn.connectionId}/scim-users`);
    expect(rows.body.items.find((r: { id: string }) => r.id === testUserId)).toMatchObject({
      active: false,
      deleted: false,
    });
    const found = expectPage(
      await okta.get(
        'deactivate: existence check',
        `/Users?filter=${enc('userName eq "test.user@okta.local"')}&startIndex=1&count=100`,
      ),
      {
        totalResults: 1,
        startIndex: 1,
        itemsPerPage: 1,
      },
    );
    expect(found[0]).toMatchObject({ id: testUserId, active: false });
    expectNoContent(
      await okta.patch('reactivate', `/Users/${testUserId}`, ops({ op: 'replace', value: { active: true } })),
    );
    expect((await getUser('reactivate: verify', testUserId)).active).toBe(true);
  });

  it('password sync (OIN): a path-less PATCH {"password": …} is accepted and never stored', async () => {
    const before = await getUser('password: before', testUserId);
    expectNoContent(
      await okta.patch(
        'password sync',
        `/Users/${testUserId}`,
        ops({ op: 'replace', value: { password: 'n3wP@ssw0rd' } }),
      ),
    );
    // With another change in the same request the row is written: the raw copy must not keep it either.
    expectNoContent(
      await okta.patch(
        'password sync with profile',
        `/Users/${testUserId}`,
        ops({ op: 'replace', value: { password: 'n3wP@ssw0rd', displayName: 'Test User 2' } }),
      ),
    );
    const after = await getUser('password: after', testUserId);
    expect(after).not.toHaveProperty('password');
    expect(after.displayName).toBe('Test User 2');
    expect(after.meta.version).not.toBe(before.meta.version);
    expect(await storedPasswordLeaks()).toEqual([]);
  });

  it('AIW apps: PUT with active false deactivates, a PUT without active keeps the status, PUT active true reactivates', async () => {
    const current = await getUser('aiw: retrieve', testUserId);
    const off = await okta.put('aiw: deactivate', `/Users/${testUserId}`, { ...current, active: false });
    expectStatus(off, 200);
    expect(off.body.active).toBe(false);
    const { active: _active, ...withoutActive } = current;
    const kept = await okta.put('aiw: profile without active', `/Users/${testUserId}`, {
      ...withoutActive,
      title: 'Engineer',
    });
    expectStatus(kept, 200);
    expect(kept.body).toMatchObject({ active: false, title: 'Engineer' });
    const on = await okta.put('aiw: reactivate', `/Users/${testUserId}`, { ...current, active: true });
    expectStatus(on, 200);
    expect((await getUser('aiw: verify', testUserId)).active).toBe(true);
  });

  it('Group Push: create with members [], rename + membership in one PATCH, mixed remove/add, full replace, GET, DELETE', async () => {
    for (let i = 1; i <= 3; i++) {
      const res = await okta.post(`create member ${i}`, '/Users', oktaUser(i, conn.domain));
      expectStatus(res, 201);
      memberIds.push(res.body.id);
    }
    const [u1, u2, u3] = memberIds;

    const created = await okta.post('push group', '/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'Test SCIMv2',
      members: [],
    });
    expectStatus(created, 201);
    expectScimJson(created);
    expect(created.body).toMatchObject({
      schemas: [CORE_GROUP],
      id: expect.any(String),
      displayName: 'Test SCIMv2',
      meta: { resourceType: 'Group' },
    });
    expect(created.body.members ?? []).toEqual([]);
    const gid: string = created.body.id;

    // A rename accompanies every membership update — here in the same request.
    expectNoContent(
      await okta.patch(
        'rename + add',
        `/Groups/${gid}`,
        ops(
          { op: 'replace', value: { id: gid, displayName: 'Test SCIMv2' } },
          { op: 'add', path: 'members', value: [{ value: u1, display: 'okta.user001' }] },
        ),
      ),
    );
    expect(await groupMembers('verify rename + add', gid)).toEqual([u1]);

    // … and as its own request before the membership PATCH, with a new name.
    expectNoContent(
      await okta.patch(
        'rename',
        `/Groups/${gid}`,
        ops({ op: 'replace', value: { id: gid, displayName: 'Test SCIMv20' } }),
      ),
    );
    expectNoContent(
      await okta.patch(
        'remove + add',
        `/Groups/${gid}`,
        ops(
          { op: 'remove', path: `members[value eq "${u1}"]` },
          { op: 'add', path: 'members', value: [{ value: u2, display: 'okta.user002' }] },
        ),
      ),
    );
    const got = await okta.get('retrieve group', `/Groups/${gid}`);
    expectStatus(got, 200);
    expect(got.body).toMatchObject({
      schemas: [CORE_GROUP],
      id: gid,
      displayName: 'Test SCIMv20',
      meta: { resourceType: 'Group' },
    });
    // `display` is the service provider's (the member's displayName), not the label Okta sent.
    expect(got.body.members).toEqual([expect.objectContaining({ value: u2, type: 'User', display: 'Okta User 2' })]);

    // Full push: replace members.
    expectNoContent(
      await okta.patch(
        'full push',
        `/Groups/${gid}`,
        ops({
          op: 'replace',
          path: 'members',
          value: [
            { value: u1, display: 'okta.user001' },
            { value: u3, display: 'okta.user003' },
          ],
        }),
      ),
    );
    expect(await groupMembers('verify full push', gid)).toEqual([u1, u3].sort());
    expect((await getUser('member groups', u1)).groups.map((g: { value: string }) => g.value)).toEqual([gid]);
    expect((await getUser('non-member groups', u2)).groups ?? []).toEqual([]);

    const byName = await okta.get(
      'group existence check',
      `/Groups?filter=${enc('displayName eq "Test SCIMv20"')}&startIndex=1&count=100`,
    );
    expect(expectPage(byName, { totalResults: 1, startIndex: 1, itemsPerPage: 1 })[0].id).toBe(gid);

    // Unlink with "Delete the group in the target app".
    expectNoContent(await okta.delete('delete group', `/Groups/${gid}`));
    const gone = await okta.get('retrieve deleted group', `/Groups/${gid}`, [404]);
    expectStatus(gone, 404);
    expect(gone.body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
    expect((await getUser('groups after delete', u1)).groups ?? []).toEqual([]);
  });

  it('import paging: count=100, startIndex += 100, integer counters, the same order whatever the page size', async () => {
    const EXTRA_USERS = 226;
    const created: string[] = [];
    for (let i = 0; i < EXTRA_USERS; i += 15) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(15, EXTRA_USERS - i) }, (_, k) =>
          okta.post(`bulk create ${i + k}`, '/Users', oktaUser(100 + i + k, conn.domain)),
        ),
      );
      for (const res of batch) {
        expectStatus(res, 201);
        created.push(res.body.id);
      }
    }
    const total = 1 + memberIds.length + EXTRA_USERS; // 230
    expect(total).toBe(230);

    const walk = async (count: number, endpoint: 'Users' | 'Groups', expectedTotal: number) => {
      const ids: string[] = [];
      for (let startIndex = 1; startIndex <= expectedTotal; startIndex += count) {
        const page = await okta.get(
          `page ${endpoint} ${startIndex}/${count}`,
          `/${endpoint}?startIndex=${startIndex}&count=${count}`,
        );
        const items = expectPage(page, {
          totalResults: expectedTotal,
          startIndex,
          itemsPerPage: Math.min(count, expectedTotal - startIndex + 1),
        });
        ids.push(...items.map((r: { id: string }) => r.id));
      }
      return ids;
    };
    const by100 = await walk(100, 'Users', total);
    expect(by100).toHaveLength(total);
    expect(new Set(by100).size).toBe(total);
    expect(new Set(by100)).toEqual(new Set([testUserId, ...memberIds, ...created]));
    expect(await walk(100, 'Users', total)).toEqual(by100);
    expect(await walk(37, 'Users', total)).toEqual(by100);
    // Past the end: an empty page, still a ListResponse with the total.
    expect(
      expectPage(await okta.get('page past the end', '/Users?startIndex=301&count=100'), {
        totalResults: total,
        startIndex: 301,
        itemsPerPage: 0,
      }),
    ).toEqual([]);

    const GROUPS = 105;
    for (let i = 0; i < GROUPS; i += 15) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(15, GROUPS - i) }, (_, k) =>
          okta.post(`push group ${i + k}`, '/Groups', {
            schemas: [CORE_GROUP],
            displayName: `Okta group ${String(i + k).padStart(3, '0')}`,
            members: [],
          }),
        ),
      );
      for (const res of batch) expectStatus(res, 201);
    }
    const groups100 = await walk(100, 'Groups', GROUPS);
    expect(new Set(groups100).size).toBe(GROUPS);
    expect(await walk(50, 'Groups', GROUPS)).toEqual(groups100);
    // testTimeout is a global Jest option (a project-level value is not applied): ~350 requests need more than 5 s.
  }, 60_000);

  it('answered every Okta request without an unexpected failure, always as application/scim+json', () => {
    expect(okta.failures()).toEqual([]);
    expect(okta.log.filter((e) => e.status >= 400).map((e) => `${e.step}: ${e.status}`)).toEqual([
      'create duplicate: 409',
      'create duplicate: 409',
      'retrieve deleted group: 404',
    ]);
    // RFC 7644 §3.1: every answer with a body is application/scim+json, though Okta sent application/json.
    expect(
      okta.log
        .filter((e) => e.text !== '' && !/^application\/scim\+json\b/.test(e.contentType))
        .map((e) => `${e.step}: ${e.contentType}`),
    ).toEqual([]);
    // Okta never sends DELETE /Users; neither did this run.
    expect(okta.log.filter((e) => e.method === 'DELETE' && e.url.includes('/Users/'))).toEqual([]);
    const count = (method: string, re: RegExp) => okta.log.filter((e) => e.method === method && re.test(e.url)).length;
    expect(count('POST', /\/Users$/)).toBe(1 + 2 + 3 + 226);
    expect(count('POST', /\/Groups$/)).toBe(1 + 105);
    expect(count('PATCH', /\/(Users|Groups)\//)).toBe(8);
    expect(count('PUT', /\/Users\//)).toBe(5);
  });
});
